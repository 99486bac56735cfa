"""The analysis's notification: the auditors of a finding's project hear of proposed repeats."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.notifications.rules import Rule, project_auditors, register_rule

RULES = (
    Rule(
        "analysis.repeats_proposed",
        (project_auditors,),
        _("疑似屡审屡犯：%(ledger_number)s"),
        _("问题 %(ledger_number)s「%(title)s」与以往审计查出的问题相似，请在问题页面确认或否定。"),
    ),
)


def register() -> None:
    for rule in RULES:
        register_rule(rule)
