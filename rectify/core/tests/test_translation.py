"""English is a complete second language: every message of the interface has its translation."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return [e for e in PO.read_text(encoding="utf-8").split("\n\n") if re.search(r'^msgid "', e, re.M)][1:]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = []
    for entry in entries():
        if "#, fuzzy" in entry:
            untranslated.append(entry)
        elif "msgid_plural" in entry:
            if re.search(r'^msgstr\[[01]\] ""$(?!\n")', entry, re.M):  # empty, not a wrapped long line
                untranslated.append(entry)
        elif re.search(r'^msgstr ""$', entry, re.M) and not re.search(r'^msgstr ""\n"', entry, re.M):
            untranslated.append(entry)
    assert untranslated == []


def test_the_compiled_catalogue_is_used():
    with translation.override("en"):
        assert translation.gettext("整改台账") == "Rectification ledger"
        assert translation.ngettext("逾期 %(n)d 天", "逾期 %(n)d 天", 1) % {"n": 1} == "1 day overdue"
    with translation.override("zh-hans"):
        assert translation.gettext("整改台账") == "整改台账"


def test_the_admins_third_party_sections_are_chinese():
    """django-axes ships no Chinese: its admin section and models read in Chinese from our catalogue."""
    from axes.models import AccessAttempt, AccessLog
    from django.apps import apps

    with translation.override("zh-hans"):
        assert str(apps.get_app_config("axes").verbose_name) == "登录失败与锁定"
        assert str(AccessAttempt._meta.verbose_name_plural) == "登录失败记录"
        assert str(AccessLog._meta.verbose_name_plural) == "登录日志"
        assert str(AccessAttempt._meta.get_field("ip_address").verbose_name) == "IP 地址"
    with translation.override("en"):
        assert str(apps.get_app_config("axes").verbose_name) == "Failed sign-ins and lockouts"
        assert str(AccessAttempt._meta.verbose_name_plural) == "access attempts"


def test_no_template_writes_chinese_punctuation_outside_a_translatable_string():
    """Full-width punctuation between translated parts would stay in English pages ("Reason：…")."""
    import re
    from pathlib import Path

    token = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})", re.S)
    found = []
    for path in Path(__file__).resolve().parents[2].glob("*/templates/**/*.html"):
        depth = 0
        for part in token.split(path.read_text(encoding="utf-8")):
            if token.fullmatch(part):
                depth += bool(re.match(r"\{%\s*blocktranslate", part)) - bool(
                    re.match(r"\{%\s*endblocktranslate", part)
                )
            elif not depth and re.search(r"[：，。；、（）「」]", part):
                found.append(f"{path.name}: {part.strip()[:40]}")
    assert found == []


def test_english_pages_show_english_punctuation_and_dates(client, world):
    import datetime

    from rectify.testing import PASSWORD, make_finding

    finding = make_finding(world, "rectifying", deadline=datetime.date(2025, 9, 30))
    client.login(username="auditor", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(finding.get_absolute_url()).content.decode()
    assert "30 September 2025" in page and "2025年9月30日" not in page
    assert "：" not in page.split("<main", 1)[1].split(finding.description)[0].replace(finding.title, "")
