# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error of the image package: a task failure whose message names the option or the reference."""

from __future__ import annotations

import typing as t


class ImageError(Exception):
    """The task fails: ``msg`` says what, which reference or option, and what to do; ``details`` go into the result."""

    def __init__(self, msg: str, **details: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.details = details
