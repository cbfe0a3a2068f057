# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one root of every task-level failure.

A manager raises ``TaskError(msg, **details)``: ``msg`` says what was wrong, naming the option
or the step, and what to do; ``details`` go into the failed result beside it. The module entry
(``_common/module_entry.py``) turns it into ``fail_json``. Areas subclass it only to name where a
failure comes from; a subclass adds no field and no behaviour.
"""

from __future__ import annotations

import typing as t


class TaskError(Exception):
    """The task fails: ``msg`` for the user, ``details`` beside it in the result."""

    def __init__(self, msg: str, **details: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.details = details

    def result(self) -> t.Dict[str, t.Any]:
        """What the failed task returns: ``msg`` and the details."""
        result = dict(self.details)
        result["msg"] = self.msg
        return result
