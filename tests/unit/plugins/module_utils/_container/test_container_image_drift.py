# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image digest in runc_container's record: a new digest behind the same tag recreates the container."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import Drift, with_image_drift
from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import LIVE_UPDATE, NO_DRIFT, RECREATE
from ansible_collections.ocitools.runc.plugins.module_utils._container.record import (
    ContainerRecord,
    read_record,
    record_for,
    record_path,
    write_record,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.annotations import DIGEST_ANNOTATION, image_digest

OLD, NEW = "sha256:" + "1" * 64, "sha256:" + "2" * 64


@pytest.mark.parametrize("drift, recorded, declared, kind, first_reason", [
    (Drift(), OLD, OLD, NO_DRIFT, None),
    (Drift(), "", "", NO_DRIFT, None),
    (Drift(), OLD, NEW, RECREATE, "image digest changed from %s to %s" % (OLD, NEW)),
    (Drift(LIVE_UPDATE, ("memory",)), OLD, NEW, RECREATE, "image digest changed from %s to %s" % (OLD, NEW)),
    (Drift(), "", NEW, RECREATE, "image digest changed from none to %s" % NEW),
    (Drift(), OLD, "", RECREATE, "image digest changed from %s to none" % OLD),
])
def test_with_image_drift(drift: Drift, recorded: str, declared: str, kind: str, first_reason: str) -> None:
    result = with_image_drift(drift, recorded, declared)
    assert result.kind == kind
    assert (result.reasons[0] if result.reasons else None) == (first_reason or (drift.reasons[0] if drift.reasons else None))


def test_image_digest_of_a_spec() -> None:
    assert image_digest({"annotations": {DIGEST_ANNOTATION: NEW}}) == NEW
    assert image_digest({"annotations": None}) == "" and image_digest({}) == ""


def test_record_keeps_the_image_digest_and_reads_old_records(tmp_path: Path) -> None:
    record = record_for("/b", {"annotations": {DIGEST_ANNOTATION: NEW}}, "2024-01-01T00:00:00Z")
    assert record.image == NEW
    write_record(str(tmp_path), "c15-a", record)
    assert read_record(str(tmp_path), "c15-a") == record
    old = ContainerRecord(digest="sha256:ab", bundle="/b", created="t", salt="s", spec={})
    text = old.to_json().replace(', "image": ""', "")
    assert '"image"' not in text
    Path(record_path(str(tmp_path), "c15-b")).write_text(text)
    assert read_record(str(tmp_path), "c15-b") == old
