from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import RectifyModel
from rectify.organizations.choices import JurisdictionLevel, OrganizationKind


def subtree_ids_of(root_ids: set[int]) -> set[int]:
    """The given organizations and every unit under any of them, in one pass."""
    return _subtree_ids(Organization, "competent_department", set(root_ids))


class OrganizationTree:
    """The competent-department tree read once (one query), for work that asks for many subtrees."""

    def __init__(self) -> None:
        self._children: dict[int, list[int]] = {}
        for pk, parent in Organization.all_objects.values_list("pk", "competent_department_id"):
            if parent is not None:
                self._children.setdefault(parent, []).append(pk)

    def subtree_ids(self, root_id: int) -> set[int]:
        found = {root_id}
        frontier = [root_id]
        while frontier:
            node = frontier.pop()
            for child in self._children.get(node, ()):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return found


def _subtree_ids(model: type[models.Model], parent_field: str, root_ids: set[int]) -> set[int]:
    """Ids of the given nodes and every node below them, one query per level."""
    found = set(root_ids)
    frontier = set(root_ids)
    while frontier:
        frontier = set(model.objects.filter(**{f"{parent_field}__in": frontier}).values_list("pk", flat=True)) - found
        found |= frontier
    return found


class Jurisdiction(RectifyModel):
    """A province, city or district; each has its audit office and sees the ledgers below it."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("代码"), max_length=20, unique=True, help_text=_("用于台账编号，如 QJ"))
    level = models.CharField(_("层级"), max_length=20, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> set[int]:
        return _subtree_ids(Jurisdiction, "parent", {self.pk})


class Sector(RectifyModel):
    """A line of government business (教育, 卫生健康, 交通 …) for sector-wide analysis."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.CharField(_("代码"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organization(RectifyModel):
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(_("统一社会信用代码/机构代码"), max_length=32, unique=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT, related_name="organizations"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=OrganizationKind.choices, db_index=True)
    competent_department = models.ForeignKey(
        "self",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    sector = models.ForeignKey(Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT)
    head_name = models.CharField(_("主要负责人（第一责任人）"), max_length=50, blank=True)
    head_title = models.CharField(_("负责人职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["jurisdiction__code", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ledger:organization", args=[self.pk])

    def subtree_ids(self) -> set[int]:
        """This organization and every unit under it in the competent-department tree."""
        return _subtree_ids(Organization, "competent_department", {self.pk})

    def ancestor_ids(self) -> set[int]:
        found: set[int] = set()
        node = self.competent_department
        while node is not None and node.pk not in found:
            found.add(node.pk)
            node = node.competent_department
        return found

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.pk and self.competent_department_id and self.competent_department_id in self.subtree_ids():
            raise ValidationError({"competent_department": _("主管部门不能是本单位或其下属单位。")})
