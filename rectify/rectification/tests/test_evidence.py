"""Evidence files (rectification/evidence.py): checked by content, not by name; bounded in size; stored once."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

from rectify.core.exceptions import ActionRefused
from rectify.findings.choices import FindingState
from rectify.rectification import evidence
from rectify.rectification import services as rectification
from rectify.rectification.models import Evidence, ProgressReport
from rectify.testing import PDF_BYTES, PNG_BYTES, make_finding, upload

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 112 + b"This program cannot be run"
)
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
SCRIPT_BYTES = b"#!/bin/sh\nrm -rf /\n"
HTML_BYTES = b"<html><script>alert(1)</script></html>"


def stored_files() -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def report_with(world, *uploads):
    finding = make_finding(world, state="rectifying")
    return rectification.submit_report(world["unit"], finding, measures="清理", progress="完成", evidence=list(uploads))


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kept_as"),
    [
        ("x.pdf", PNG_BYTES, "image/png", "x.png"),  # a PNG by any other name is kept as a PNG
        ("scan.png", PDF_BYTES, "application/pdf", "scan.pdf"),
        ("无扩展名", PNG_BYTES, "image/png", "无扩展名.png"),
        ("报告.pdf", PDF_BYTES, "application/pdf", "报告.pdf"),
        ("照片.JPEG", PNG_BYTES, "image/png", "照片.png"),
    ],
)
def test_a_file_is_recorded_by_its_content(world, name, content, content_type, kept_as):
    report = report_with(world, upload(name, content))
    (row,) = Evidence.objects.filter(report=report)
    sha = hashlib.sha256(content).hexdigest()
    assert (row.original_name, row.content_type, row.sha256, row.size) == (kept_as, content_type, sha, len(content))
    assert row.file.name == f"evidence/{sha[:2]}/{sha}"  # the user's name never reaches the file system
    with row.file.open("rb") as stored:
        assert stored.read() == content


def test_a_large_file_is_hashed_and_measured_whole(world):
    content = PNG_BYTES + bytes(range(256)) * 10_000  # 2.5 MB: read in several chunks
    facts = evidence.sniff(upload("大图.png", content))
    assert (facts.sha256, facts.size, facts.content_type) == (
        hashlib.sha256(content).hexdigest(),
        len(content),
        "image/png",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("整改报告.pdf", b"This is plain text, not a PDF."),
        ("setup.pdf", EXE_BYTES),
        ("tool.pdf", ELF_BYTES),
        ("run.pdf", SCRIPT_BYTES),
        ("page.png", HTML_BYTES),
    ],
)
def test_a_file_whose_content_is_not_an_allowed_type_is_refused(world, name, content):
    finding = make_finding(world, state="rectifying")
    before = stored_files()
    with pytest.raises(ActionRefused) as info:
        rectification.submit_report(
            world["unit"],
            finding,
            measures="清理",
            progress="完成",
            evidence=[upload("凭证.png"), upload(name, content)],
        )
    assert info.value.messages == [f"文件「{name}」的内容不是允许的类型（PDF、图片、Word、Excel、OFD、ZIP）。"]
    assert not ProgressReport.all_objects.exists() and not Evidence.all_objects.exists()
    assert stored_files() == before  # not even the good file of the same report was written
    finding.refresh_from_db()
    assert finding.state == FindingState.RECTIFYING


def test_an_empty_file_is_refused(world):
    with pytest.raises(ActionRefused) as info:
        report_with(world, upload("空白.pdf", b""))
    assert info.value.messages == ["文件「空白.pdf」是空文件。"]
    assert not Evidence.all_objects.exists() and not ProgressReport.all_objects.exists()


def test_a_file_over_the_size_limit_is_refused(settings, world):
    settings.RECTIFY_EVIDENCE_MAX_BYTES = len(PNG_BYTES) - 1
    with pytest.raises(ActionRefused) as info:
        report_with(world, upload("大图.png", PNG_BYTES))
    assert info.value.messages[0].startswith("文件「大图.png」超过大小上限")
    assert HAN.search(info.value.messages[0])
    assert not Evidence.all_objects.exists() and not ProgressReport.all_objects.exists()
    assert stored_files() == []


def test_a_file_of_exactly_the_size_limit_is_accepted(settings, world):
    settings.RECTIFY_EVIDENCE_MAX_BYTES = len(PNG_BYTES)
    report = report_with(world, upload("刚好.png", PNG_BYTES))
    assert report.evidence.get().size == len(PNG_BYTES)


def test_the_same_content_is_stored_once(world):
    first = report_with(world, upload("凭证一.png"), upload("凭证二.pdf"))
    second = report_with(world, upload("另一份.png"))
    rows = list(Evidence.objects.order_by("pk"))
    assert [r.original_name for r in rows] == ["凭证一.png", "凭证二.png", "另一份.png"]  # PNG content
    assert [r.report for r in rows] == [first, first, second]
    assert len({r.sha256 for r in rows}) == 1 and len({r.file.name for r in rows}) == 1
    assert len(stored_files()) == 1
    assert stored_files()[0].read_bytes() == PNG_BYTES
    report_with(world, upload("扫描件.pdf", PDF_BYTES))
    assert len(stored_files()) == 2


# --- a rolled-back report leaves no file behind ------------------------------------------------------


def test_a_report_rolled_back_after_its_files_were_written_leaves_no_file_once_swept(world, settings):
    import datetime

    import time_machine
    from django.core.files.storage import default_storage
    from django.db import transaction

    evidence_files = evidence
    kept = make_finding(world, "submitted")  # a committed report whose file must stay
    kept_name = kept.reports.get().evidence.get().file.name
    finding = make_finding(world, "rectifying")
    with pytest.raises(RuntimeError), transaction.atomic():
        rectification.submit_report(
            world["unit"], finding, measures="措施", progress="进展", evidence=[upload("回单.pdf", PDF_BYTES)]
        )
        raise RuntimeError("the surrounding transaction fails after the files were written")
    assert not finding.reports.exists()
    orphan = evidence_files.sniff(upload("回单.pdf", PDF_BYTES)).storage_name
    assert default_storage.exists(orphan)
    # Within the grace period a transaction may still be about to name it: left alone.
    assert evidence_files.sweep_orphans() == []
    later = datetime.datetime.now(datetime.UTC) + evidence_files.ORPHAN_GRACE + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert evidence_files.sweep_orphans() == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept_name)
