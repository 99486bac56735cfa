"""Uploads (issue 11, defect 6): a dangerous name is refused whatever the content; the name a file is kept
and served under takes the extension of what it is; Office files and archives are opened as archives and
refused past their bounds (a zip bomb named .docx); files are served as attachments, never sniffed; and
no content or name makes the check fail with anything but its Chinese refusal."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.core.exceptions import ActionRefused
from rectify.rectification import evidence
from rectify.rectification.models import Evidence, ProgressReport
from rectify.rectification.tests.test_evidence import report_with, stored_files
from rectify.testing import PASSWORD, PDF_BYTES, PNG_BYTES, fuzz_examples, make_finding, upload

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def office_zip(extra: dict[str, bytes] | None = None, entries: int = 0) -> bytes:
    """A minimal Word package, with extra members (``extra``) or many small ones (``entries``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            with archive.open(name, "w") as member:
                for start in range(0, len(content), 1 << 20):
                    member.write(content[start : start + (1 << 20)])
        for index in range(entries):
            archive.writestr(f"word/media/{index}.xml", "<x/>")
    return buffer.getvalue()


def refused_report(world, *uploads) -> str:
    finding = make_finding(world, state="rectifying")
    before = stored_files()
    with pytest.raises(ActionRefused) as info:
        evidence_of = [upload("凭证.png"), *uploads]
        from rectify.rectification import services as rectification

        rectification.submit_report(world["unit"], finding, measures="清理", progress="完成", evidence=evidence_of)
    (message,) = info.value.messages
    assert HAN.search(message)
    assert not ProgressReport.all_objects.exists() and not Evidence.all_objects.exists()
    assert stored_files() == before
    return message


@pytest.mark.parametrize(
    "name", ["x.exe", "x.html", "x.svg", "整改说明.bat", "报告.PDF.exe", "x.js", "x.ps1", "x.sh", "x.jsp", "x.cmd"]
)
def test_a_pdf_under_an_executable_or_script_name_is_refused(world, name):
    message = refused_report(world, upload(name, PDF_BYTES))
    assert message.startswith(f"文件「{name}」的扩展名") and "不能上传" in message


@pytest.mark.parametrize("name", [".htaccess", ".user.ini"])
def test_a_hidden_or_server_configuration_name_is_refused(world, name):
    assert refused_report(world, upload(name, PDF_BYTES)) == f"文件「{name}」是隐藏文件或配置文件，不能上传。"


@pytest.mark.parametrize("name", ["x.php.pdf", "shell.asp.png", "x.exe. ", "x.exe::$DATA"])
def test_tricks_of_servers_and_windows_are_refused(world, name):
    assert "不能上传" in refused_report(world, upload(name, PDF_BYTES))


def test_a_dotted_name_that_is_not_executable_is_kept(world):
    report = report_with(world, upload("www.audit.gov.cn.com 报告.pdf", PDF_BYTES))
    assert report.evidence.get().original_name == "www.audit.gov.cn.com 报告.pdf"


def test_an_office_file_within_its_bounds_is_accepted(world):
    report = report_with(world, upload("整改说明", office_zip()))
    row = report.evidence.get()
    assert (row.content_type, row.original_name) == (DOCX, "整改说明.docx")


def test_a_zip_bomb_named_docx_is_refused(world):
    bomb = office_zip({"word/media/zeros.bin": bytes(30 * 1024 * 1024)})  # 30 MB of zeros in ~30 KB
    assert len(bomb) < 200 * 1024
    message = refused_report(world, upload("整改说明.docx", bomb))
    assert message.startswith("文件「整改说明.docx」疑似压缩炸弹") and "压缩比" in message


def test_an_archive_expanding_past_the_bound_is_refused(world, settings):
    settings.RECTIFY_UPLOAD_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    settings.RECTIFY_UPLOAD_MAX_RATIO = 10_000
    content = office_zip({"word/media/zeros.bin": bytes(3 * 1024 * 1024)})
    assert "解压后" in refused_report(world, upload("材料.docx", content))


def test_an_archive_of_too_many_entries_is_refused(world, settings):
    settings.RECTIFY_UPLOAD_MAX_ENTRIES = 50
    assert "包含 53 个文件" in refused_report(world, upload("材料.docx", office_zip(entries=50)))


def test_an_archive_whose_directory_lies_about_its_sizes_is_measured_by_what_it_inflates(world, settings):
    settings.RECTIFY_UPLOAD_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    settings.RECTIFY_UPLOAD_MAX_RATIO = 10_000
    content = bytearray(office_zip({"word/media/zeros.bin": bytes(3 * 1024 * 1024)}))
    # Claim 1 KB in the central directory entry of the big member (its uncompressed size field).
    directory = content.rfind(b"PK\x01\x02", 0, content.find(b"word/media/zeros.bin", content.find(b"PK\x01\x02")))
    content[directory + 24 : directory + 28] = (1024).to_bytes(4, "little")
    message = refused_report(world, upload("材料.docx", bytes(content)))
    assert "疑似压缩炸弹" in message or "已损坏" in message


def test_a_download_is_an_attachment_under_the_name_of_its_type_never_sniffed(client, world):
    report = report_with(world, upload("scan.png", PDF_BYTES))
    row = report.evidence.get()
    Evidence.objects.filter(pk=row.pk).update(original_name="旧记录.exe")  # recorded before the rule
    assert client.login(username="unit", password=PASSWORD)
    response = client.get(f"/evidence/{row.pk}/download/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".pdf" in disposition and ".exe" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_served_names_follow_the_type():
    assert evidence.served_name("x.exe", "application/pdf") == "x.pdf"
    assert evidence.served_name("x.pdf", "image/png") == "x.png"
    assert evidence.served_name("a/b\\c<d>.docx", DOCX) == "abcd.docx"
    assert evidence.served_name("", "application/pdf") == "附件.pdf"


# --- fuzz -------------------------------------------------------------------------------------------------

NAMES = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda stem, ext: f"{stem}.{ext}",
        st.text(max_size=20),
        st.sampled_from(["pdf", "docx", "exe", "html", "svg", "PNG", "", "php.pdf", "zip", "ofd"]),
    ),
)
HEADS = st.sampled_from(
    [b"", b"%PDF-1.4\n", PNG_BYTES[:16], b"PK\x03\x04", evidence.OLE2_MAGIC, b"\xff\xd8\xff", b"GIF89a"]
)


@settings(max_examples=fuzz_examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, head=HEADS, body=st.binary(max_size=4096))
def test_fuzz_the_upload_check_never_crashes(name, head, body):
    file = io.BytesIO(head + body)
    file.name = name  # any name at all, even those Django's own upload handling would not let through
    try:
        facts = evidence.sniff(file)
    except ActionRefused as refused:
        assert all(HAN.search(message) for message in refused.messages)
        return
    assert facts.content_type in evidence.ALLOWED_TYPES
    assert facts.name.rpartition(".")[2] in evidence.EXTENSIONS[facts.content_type]


@settings(max_examples=fuzz_examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.lists(
        st.tuples(st.text(min_size=1, max_size=30), st.binary(max_size=2048)),
        max_size=5,
        unique_by=lambda member: member[0],
    )
)
def test_fuzz_office_packages_never_crash_the_check(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        for name, content in members:
            if name in ("[Content_Types].xml", "word/document.xml"):
                continue
            try:
                archive.writestr(name, content)
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile itself cannot write
                continue
    data = buffer.getvalue()
    for cut in (len(data), len(data) // 2):
        try:
            evidence.sniff(upload("材料.docx", data[:cut]))
        except ActionRefused:
            pass


def test_an_archive_with_damaged_compressed_data_is_refused(world):
    noise = bytes((index * 7919) % 251 for index in range(200_000))  # compresses, but not to nothing
    content = bytearray(office_zip({"word/media/data.bin": noise}))
    start = content.find(b"word/media/data.bin") + len("word/media/data.bin")
    for offset in range(start + 100, start + 400):
        content[offset] ^= 0xFF
    message = refused_report(world, upload("材料.docx", bytes(content)))
    assert message == "文件「材料.docx」已损坏，无法读取，不能上传。"
