# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image package's task failure: its message names the option or the reference, and what to do."""

from __future__ import annotations

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError


class ImageError(TaskError):
    """runc_image (or runc_spec's image option) cannot go on."""
