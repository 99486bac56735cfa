"""Inbox notifications of campaigns and consultations: the units concerned when a campaign is opened or
concluded; the opener's managers when a unit reports progress; the organization responsible when a measure
is agreed; the organizer when a measure is followed up."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rectify.accounts.choices import BUSINESS_ROLES
from rectify.accounts.scopes import holders_of
from rectify.campaigns.scopes import MANAGER_ROLES
from rectify.notifications.rules import Rule, Subject, register_rule, register_subject

CAMPAIGN = "campaigns.Campaign"
MEASURE = "campaigns.AgreedMeasure"


def _load_campaign(pk: int):
    from rectify.campaigns.models import Campaign

    return Campaign.objects.select_related("owner").filter(pk=pk).first()


def _campaign_facts(campaign, event) -> dict[str, str]:
    return {
        "title": campaign.title,
        "owner": campaign.owner.name,
        "target_date": campaign.target_date.isoformat(),
        "unit": str(event.data.get("unit", "")),
    }


def _load_measure(pk: int):
    from rectify.campaigns.models import AgreedMeasure

    return AgreedMeasure.objects.select_related("consultation__owner", "organization").filter(pk=pk).first()


def _measure_facts(measure, event) -> dict[str, str]:
    return {
        "title": measure.consultation.title,
        "owner": measure.consultation.owner.name,
        "organization": measure.organization.name,
        "due_date": measure.due_date.isoformat(),
        "text": measure.text[:100],
    }


def units_concerned(campaign) -> list[int]:
    ids = list(campaign.units.values_list("pk", flat=True))
    return list(holders_of(BUSINESS_ROLES, organization_id__in=ids).values_list("pk", flat=True))


def campaign_managers(campaign) -> list[int]:
    return list(holders_of(MANAGER_ROLES, organization_id=campaign.owner_id).values_list("pk", flat=True))


def measure_responsible(measure) -> list[int]:
    return list(holders_of(BUSINESS_ROLES, organization_id=measure.organization_id).values_list("pk", flat=True))


def measure_organizer(measure) -> list[int]:
    owner = measure.consultation.owner_id
    return list(holders_of(MANAGER_ROLES, organization_id=owner).values_list("pk", flat=True))


def register() -> None:
    register_subject(Subject(CAMPAIGN, _load_campaign, _campaign_facts, lambda c: c.get_absolute_url()))
    register_subject(Subject(MEASURE, _load_measure, _measure_facts, lambda m: m.get_absolute_url()))
    register_rule(
        Rule(
            "campaigns.opened",
            (units_concerned,),
            _("专项整治：%(title)s"),
            _("%(owner)s启动专项整治，涉及本单位，目标完成日期 %(target_date)s。请按要求整改并报送进展。"),
            subject=CAMPAIGN,
        )
    )
    register_rule(
        Rule(
            "campaigns.concluded",
            (units_concerned,),
            _("专项整治已总结：%(title)s"),
            _("%(owner)s已对专项整治作出总结。"),
            subject=CAMPAIGN,
        )
    )
    register_rule(
        Rule(
            "campaigns.progress_reported",
            (campaign_managers,),
            _("专项整治进展：%(title)s"),
            _("%(unit)s报送了专项整治进展。"),
            subject=CAMPAIGN,
        )
    )
    register_rule(
        Rule(
            "campaigns.measure_agreed",
            (measure_responsible,),
            _("会商议定措施待落实：%(title)s"),
            _("%(owner)s组织会商议定：%(text)s。请%(organization)s于 %(due_date)s 前落实。"),
            subject=MEASURE,
        )
    )
    register_rule(
        Rule(
            "campaigns.measure_followed_up",
            (measure_organizer,),
            _("议定措施落实情况：%(title)s"),
            _("%(organization)s登记了措施落实情况：%(text)s。"),
            subject=MEASURE,
        )
    )
