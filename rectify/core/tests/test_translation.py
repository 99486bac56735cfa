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
            if re.search(r'^msgstr\[[01]\] ""$', entry, re.M):
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
