"""The interview notice (约谈通知书): its number kept, its content, the download's scope, and one
conversion to PDF with LibreOffice (red 版头, number, page numbers)."""

import datetime
import os

import pytest

from rectify.documents import builder, pdf
from rectify.documents.interviews import interview_notice
from rectify.documents.tests.helpers import all_text, open_docx, pdf_lines_of_text, pdf_red_rules, pdf_text_runs
from rectify.interviews.tests.helpers import approved, scheduled
from rectify.testing import PASSWORD

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_notice_states_the_interview_and_keeps_its_number(world, on):
    interview = scheduled(world, on)
    with on(D(2025, 7, 4)):
        first = interview_notice(interview)
        again = interview_notice(interview)
    text = all_text(open_docx(first.content))
    assert "约谈通知书" in text and "甲区第一中学" in text
    assert "甲审谈〔2025〕1号" in text
    assert "区审计局3楼会议室" in text and "张三 校长" in text and "王五 区审计局副局长" in text
    assert interview.finding.ledger_number in text
    assert "甲审谈〔2025〕1号" in all_text(open_docx(again.content))
    assert first.ascii_filename == f"interview-notice-{interview.pk}.docx"


def test_the_download_follows_the_scope(client, world, on):
    interview = scheduled(world, on)
    waiting = approved(world, on, unit=world.sibling_unit, title="食堂收入未入账（再次发现）")
    with on(D(2025, 7, 4)):
        for username, expected in (
            ("auditor", 200),
            ("unithead", 200),
            ("dept", 200),
            ("sibling", 404),
            ("discipline", 404),
        ):
            client.login(username=username, password=PASSWORD)
            answer = client.get(f"/interviews/{interview.pk}/notice.docx")
            assert answer.status_code == expected, username
            client.logout()
        client.login(username="auditor", password=PASSWORD)
        answer = client.get(f"/interviews/{waiting.pk}/notice.docx")
        assert answer.status_code == 400 and "尚未安排" in answer.content.decode()


@pytest.fixture
def soffice():
    if pdf.soffice_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")


def test_the_notice_renders_with_its_red_header_number_and_page_numbers(world, on, soffice, tmp_path):
    interview = scheduled(world, on)
    with on(D(2025, 7, 4)):
        document = interview_notice(interview)
    source = tmp_path / "notice.docx"
    source.write_bytes(document.content)
    (output,) = pdf.convert_to_pdf([source], tmp_path / "pdf", timeout=120)
    content = output.read_bytes()
    pages = pdf_lines_of_text(content)
    first = pdf_text_runs(content)[0]
    mark = [run for run in first if run.red]
    assert "".join(run.text for run in mark) == "甲区审计局文件"
    assert pages[0][0] == "甲区审计局文件" and pages[0][1] == "甲审谈〔2025〕1号" and pages[0][2] == "约谈通知书"
    assert pdf_red_rules(content)[0]  # the red separator below the number
    for number, page in enumerate(pages, start=1):
        if not page:  # the blank page before the 版记's even page
            continue
        assert page[-1].replace(" ", "") == f"{builder.EM_DASH}{number}{builder.EM_DASH}", (number, page[-1])
    assert any(line.endswith("印发") for line in pages[-1])
