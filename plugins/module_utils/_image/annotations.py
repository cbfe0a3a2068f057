# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The annotations a bundle made from a stored image carries: which image, at which digest."""

from __future__ import annotations

import typing as t

DIGEST_ANNOTATION = "ocitools.runc.image.digest"
NAME_ANNOTATION = "ocitools.runc.image.name"


def image_digest(spec: t.Mapping[str, t.Any]) -> str:
    """The image manifest digest a spec was made from ('' when it was not made from an image)."""
    annotations = spec.get("annotations")
    return str(annotations.get(DIGEST_ANNOTATION) or "") if isinstance(annotations, dict) else ""
