"""The findings of each project: their units and categories, and the repeats (屡审屡犯) of earlier ones."""

from __future__ import annotations

from collections import Counter, defaultdict

from rectify.demo.base import (
    T,
)
from rectify.demo.records import FindingPlan, ProjectPlan
from rectify.findings.models import Category
from rectify.organizations.models import Organization

_AFFINITY: dict[str, dict[str, int]] = {
    T.BUDGET_EXECUTION: {"01": 6, "02": 6, "03": 2, "04": 1, "05": 3, "06": 4, "07": 3, "08": 2, "09": 1},
    T.ECONOMIC_RESPONSIBILITY: {"01": 2, "02": 2, "03": 1, "04": 2, "05": 2, "06": 2, "07": 3, "08": 4, "11": 7},
    T.NATURAL_RESOURCES: {"10": 9, "03": 1, "05": 1, "11": 2},
    T.SPECIAL_FUND: {"03": 9, "02": 2, "09": 2, "04": 1, "06": 1},
    T.INVESTMENT: {"04": 10, "08": 2, "09": 1, "05": 1},
    T.STATE_ENTERPRISE: {"12": 8, "05": 2, "06": 3, "08": 3, "07": 2, "04": 2},
    T.POLICY_FOLLOW_UP: {"09": 9, "03": 3, "02": 1},
    T.INTERNAL_AUDIT: {"06": 4, "05": 3, "08": 4, "07": 2, "04": 2, "01": 1},
}


class FindingsPart:
    """Draws the findings of every project."""

    def _findings(self) -> None:
        rng = self.rng
        weights = [p.size for p in self.projects]
        scale = self.n / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        while sum(counts) < self.n:
            counts[rng.choices(range(len(counts)), weights=weights)[0]] += 1
        while sum(counts) > self.n:
            i = max(range(len(counts)), key=lambda j: counts[j])
            counts[i] -= 1
        by_code = {c.code: c for c in self.categories}
        self.findings: list[FindingPlan] = []
        seen: dict[int, list[FindingPlan]] = defaultdict(list)  # unit → its findings so far (earlier years first)
        for project, count in sorted(zip(self.projects, counts, strict=True), key=lambda pc: pc[0].year):
            units = [u for u, _w in project.finding_units]
            unit_weights = [w for _u, w in project.finding_units]
            for _ in range(count):
                unit = rng.choices(units, weights=unit_weights)[0]
                category = self._category(project, unit, seen[unit.pk], by_code)
                finding = FindingPlan(project=project, unit=unit, category=category)
                self.findings.append(finding)
                seen[unit.pk].append(finding)
        self._cover_categories()
        self._link_repeats()
        for project in self.projects:
            for number, finding in enumerate((f for f in self.findings if f.project is project), start=1):
                finding.sequence = number

    def _category_weights(self, project: ProjectPlan, unit: Organization) -> list[float]:
        affinity = _AFFINITY[project.type]
        enterprise = self.legal_form[unit.pk] == "enterprise"
        cadre = project.type in (T.ECONOMIC_RESPONSIBILITY, T.NATURAL_RESOURCES)
        weights = []
        for category in self.categories:
            group = category.code[:2]
            weight = affinity.get(group, 0)
            if group == "12":
                weight = (6 if enterprise else 0) if weight or cadre else 0
            if enterprise and group == "01":
                weight = 0
            if category.code == "1103" and not cadre:
                weight = 0
            if group == "10" and project.type != T.NATURAL_RESOURCES:
                weight = 1 if self.legal_form[unit.pk] == "town" else 0
            weights.append(weight)
        if not any(weights):
            weights = [1 if c.code[:2] in ("06", "08") else 0 for c in self.categories]
        return weights

    def _category(self, project: ProjectPlan, unit: Organization, earlier: list[FindingPlan], by_code) -> Category:
        rng = self.rng
        weights = self._category_weights(project, unit)
        allowed = {c.code for c, w in zip(self.categories, weights, strict=True) if w}
        previous = [f.category for f in earlier if f.year < project.year and f.category.code in allowed]
        if previous and rng.random() < 0.06:
            return rng.choice(previous)  # the same problem again (屡审屡犯)
        return rng.choices(self.categories, weights=weights)[0]

    def _cover_categories(self) -> None:
        """Every second-level category appears at least once when there are enough findings."""
        if self.n < len(self.categories) * 2:
            return
        rng = self.rng
        used = Counter(f.category.code for f in self.findings)
        for category in self.categories:
            if used[category.code]:
                continue
            candidates = [
                f
                for f in self.findings
                if used[f.category.code] > 3
                and self._category_weights(f.project, f.unit)[self.categories.index(category)] > 0
            ]
            if not candidates:
                candidates = [f for f in self.findings if used[f.category.code] > 3]
            chosen = rng.choice(candidates)
            used[chosen.category.code] -= 1
            chosen.category = category
            used[category.code] += 1

    def _link_repeats(self) -> None:
        rng = self.rng
        history: dict[tuple[int, int], list[FindingPlan]] = defaultdict(list)
        for finding in sorted(self.findings, key=lambda f: f.year):
            key = (finding.unit.pk, finding.category.pk)
            earlier = [e for e in history[key] if e.year < finding.year]
            if earlier and rng.random() < 0.3:
                finding.repeats = [max(earlier, key=lambda e: e.year)]
            history[key].append(finding)
        if not any(f.repeats for f in self.findings):
            # Make one: a later finding of a unit repeats that unit's earliest problem.
            by_unit: dict[int, list[FindingPlan]] = defaultdict(list)
            for finding in self.findings:
                by_unit[finding.unit.pk].append(finding)
            for unit_findings in sorted(by_unit.values(), key=len, reverse=True):
                unit_findings.sort(key=lambda f: f.year)
                first, later = unit_findings[0], [f for f in unit_findings if f.year > unit_findings[0].year]
                if later:
                    later[-1].category = first.category
                    later[-1].repeats = [first]
                    break
