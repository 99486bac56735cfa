"""The life of each finding: registration, issue, plan, report rounds, verifications and transitions."""

from __future__ import annotations

import datetime

from django.utils import timezone

from rectify.accounts.models import User
from rectify.demo import district as D
from rectify.demo import texts
from rectify.demo.base import (
    S,
    cents_to_decimal,
    money_text,
    weighted,
)
from rectify.demo.records import FindingPlan
from rectify.findings.choices import Disclosure, Kind
from rectify.findings.models import FindingEvent, Requirement
from rectify.findings.services import build_finding, ledger_number
from rectify.findings.workflow import TRANSITIONS, apply_transition, check_move
from rectify.rectification.choices import AccountabilityOutcome, ReportKind, Verdict
from rectify.rectification.models import (
    AccountabilityRecord,
    AdoptedRule,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Verification,
)
from rectify.rectification.services import (
    build_evidence,
    build_plan,
    build_report,
    build_verification,
    counted_amount,
)

_ACCOUNTABLE_CATEGORIES = {"0203", "0205", "0303", "0304", "0401", "0603", "0701", "0702", "0704", "1101", "1202"}


_OUTCOME_WEIGHTS = {
    AccountabilityOutcome.REMINDER_TALK: 30,
    AccountabilityOutcome.CRITICISM: 30,
    AccountabilityOutcome.ADMONISHMENT: 15,
    AccountabilityOutcome.DEMERIT: 8,
    AccountabilityOutcome.MAJOR_DEMERIT: 3,
    AccountabilityOutcome.DISCIPLINARY: 8,
    AccountabilityOutcome.ORGANIZATIONAL: 5,
    AccountabilityOutcome.JUDICIAL: 1,
}


class Story:
    """One finding from its registration to today: its rows, events and history, in time order."""

    def __init__(self, builder, finding: FindingPlan):
        self.b = builder
        self.rng = builder.rng
        self.f = finding
        self.project = finding.project
        self.contact = builder.contacts[finding.unit.pk]
        self.requirements: list[Requirement] = []
        self.plan: Plan | None = None
        self.milestones: list[Milestone] = []
        self.reports: list[ProgressReport] = []
        self.rules: list[AdoptedRule] = []
        self.people: list[AccountabilityRecord] = []
        self.evidence: list[Evidence] = []
        self.verifications: list[Verification] = []
        self.events: list[FindingEvent] = []  # unsaved; they point at the finding once it is saved
        self.changes: list[tuple[datetime.datetime, User, str, str, dict]] = []  # for the finding's history
        self.verdicts: dict[int, Verification] = {}  # report round → its verification
        self._compose()
        self._play()

    # --- the finding itself ---------------------------------------------------------------------------

    def _context(self) -> dict[str, str]:
        rng = self.rng
        f = self.f
        words = self.b._words(f.unit)
        part = max(100, int(f.cents * rng.uniform(0.3, 0.7)) // 10000 * 10000) if f.cents else 0
        budget = int(f.cents * rng.uniform(1.5, 5)) // 10000 * 10000 if f.cents else 0
        context = {key: rng.choice(values) for key, values in texts.WORDS.items()}
        context.update({key: rng.choice(values) for key, values in words.items()})
        if self.project.subject:
            context["proj"] = self.project.subject
        if self.project.fund:
            context["fund"] = self.project.fund
        context.update(
            Y=str(f.year),
            Yp=str(f.year - 1),
            short=f.unit.short_name,
            unit=f.unit.name,
            amount=money_text(f.cents),
            part=money_text(part),
            budget=money_text(budget),
            actual=money_text(budget + f.cents),
            n=str(rng.randint(3, 15)),
            k=str(rng.randint(2, 6)),
            m=str(rng.randint(4, 26)),
            pct=str(rng.randint(12, 68)),
            days=str(rng.randint(45, 380)),
            area=str(rng.randrange(200, 4000, 10)),
            mu=f"{rng.uniform(3, 260):.1f}",
        )
        return context

    def _compose(self) -> None:
        rng = self.rng
        f = self.f
        text = texts.CATEGORY_TEXTS[f.category.code]
        self.context = context = self._context()
        money = f.cents > 0
        titles, descriptions = (text["t"], text["d"]) if money else (text["t0"], text["d0"])
        index = rng.randrange(len(descriptions))
        title = (titles[index] if index < len(titles) else rng.choice(titles)).format_map(context)
        description = descriptions[index].format_map(context)
        details = texts.DETAIL_SENTENCES + (texts.MONEY_DETAILS if money else [])
        detail = rng.choice(details).format_map(context) if rng.random() < 0.5 and f.category.code != "1103" else ""
        if f.repeats:
            detail += rng.choice(texts.REPEAT_SENTENCES).format(year=f.repeats[0].year)
        basis = rng.sample(text["b"], k=min(len(text["b"]), rng.randint(1, 2)))
        requirements = [r.format_map(context) for r in text["r"] if money or "{amount}" not in r]
        requirements = rng.sample(requirements, k=min(len(requirements), rng.randint(1, 3)))
        if rng.random() < 0.35:
            requirements.append(rng.choice(texts.GENERAL_REQUIREMENTS))
        if f.category.code == "1103":
            disclosure = rng.choice([Disclosure.CONFIDENTIAL, Disclosure.LIMITED])
        elif f.group == "12" and rng.random() < 0.3:
            disclosure = Disclosure.LIMITED
        else:
            disclosure = weighted(rng, {Disclosure.PUBLIC: 87, Disclosure.LIMITED: 11, Disclosure.CONFIDENTIAL: 2})
        span = max(1, ((f.project.report_date or self.b.today) - f.project.started_on).days - 2)
        self.created_at = self.b._work_time(f.project.started_on + datetime.timedelta(days=rng.randint(1, span)))
        if f.project.report_date:
            latest = self.b._at(f.project.report_date - datetime.timedelta(days=1), 17, 30)
            self.created_at = min(self.created_at, latest)
        if self.created_at >= self.b.now:
            self.created_at = self.b.now - datetime.timedelta(hours=rng.randint(2, 30))
        self.creator = rng.choice(f.project.team)
        # The finding as create_finding would record it: its rules (unit, category, requirements, amount,
        # the deadline the rule for its kind gives) and its number, allocated in the project's order.
        new = build_finding(
            self.creator,
            project=f.project.obj,
            unit=f.unit,
            title=title[:200],
            description=description + detail,
            category=f.category,
            requirements=requirements,
            amount_involved=cents_to_decimal(f.cents),
            kind=f.kind,
            legal_basis="；".join(basis),
            disclosure=disclosure,
            rectified_during_audit=f.rda,
            rules=self.b.finding_rules,
            allow_past_deadline=True,  # the demo district's history: years of findings, most long due
        )
        f.obj = new.finding
        f.obj.sequence = f.sequence
        f.obj.ledger_number = ledger_number(f.project.obj, f.sequence)
        if f.obj.deadline != f.deadline:
            raise AssertionError(f"{f.obj.ledger_number}: deadline {f.obj.deadline}, planned {f.deadline}")
        self.requirements = [self.b._stamp(r, self.created_at) for r in new.requirements]
        self.requirement_texts = [r.text for r in new.requirements]
        new.event.at = self.created_at
        self._record(new.event)
        self.legal_basis = basis

    # --- events -----------------------------------------------------------------------------------------

    def _record(self, event: FindingEvent) -> None:
        self.events.append(event)
        self.last_at = event.at

    def _transition(self, when, actor: User, name: str, comment: str = "", verification=None) -> None:
        """Moves the finding along transition ``name`` of the workflow's table, as perform_transition does:
        the same checks of state, comment and verification, the same dates set, the same event."""
        obj = self.f.obj
        transition = TRANSITIONS[name]
        comment = check_move(obj, transition, comment=comment, verification=verification)
        self._record(apply_transition(actor, obj, transition, at=when, comment=comment))
        # The finding's history shows the deadline once it is issued (the demo's drafts are registered
        # before the report that sets it).
        values = {"issued_at": obj.issued_at, "closed_at": obj.closed_at, "deadline": None}
        if obj.issued_at:
            values["deadline"] = obj.deadline
        self.changes.append((when, actor, f"{name}: {comment}", obj.state, values))

    # --- the story --------------------------------------------------------------------------------------

    def _play(self) -> None:
        b = self.b
        f = self.f
        outcome = f.outcome
        if outcome.state == S.DRAFT:
            return self._finish()
        project = self.project
        issue_at = b._at(project.report_date, 10, 0) + datetime.timedelta(minutes=self.rng.randint(0, 90))
        issue_at = min(issue_at, b.now - datetime.timedelta(minutes=30))
        self._transition(issue_at, project.leader, "issue", project.report_number)
        if outcome.state == S.ISSUED:
            return self._finish()
        steps = self._steps()
        times = b._place(issue_at, [gap for _name, gap in steps])
        for (name, _gap), when in zip(steps, times, strict=True):
            getattr(self, f"_do_{name}")(when)
        self._finish()

    def _steps(self) -> list[tuple[str, float]]:
        """The actions after issue, each with its gap in days from the one before."""
        rng = self.rng
        f = self.f
        outcome = f.outcome
        steps: list[tuple[str, float]] = [("plan", rng.uniform(1, 3) if f.rda else rng.uniform(3, 15))]
        self.round_queue = list(f.rounds)
        rounds = iter(f.rounds)
        first_gap = {Kind.IMMEDIATE: (8, 30), Kind.PHASED: (35, 95), Kind.LONG_TERM: (60, 150)}[f.kind]
        if f.rda:
            first_gap = (1, 4)
        late = rng.random() < 0.15
        gap = rng.uniform(*first_gap) + (rng.uniform(5, 60) if late else 0)
        for _verdict in outcome.returns:
            next(rounds)
            steps += [("report", gap), ("verify", rng.uniform(4, 25))]
            gap = rng.uniform(12, 45)
        if outcome.state == S.LONG_TERM or outcome.via_long_term:
            steps.append(("to_long_term", rng.uniform(10, 40)))
            gap = self.b.interval + rng.uniform(-20, 20)
            for _ in range(outcome.continued_rounds):
                round_ = next(rounds)
                steps.append(("report", gap))
                if round_.verdict != "continued":
                    steps.append(("verify", rng.uniform(5, 20)))
                    gap = self.b.interval + rng.uniform(-30, 5)
                else:
                    gap = self.b.interval
            if outcome.via_long_term:
                steps.append(("resume", rng.uniform(10, 40)))
                gap = rng.uniform(5, 20)
        if outcome.state == S.CLOSED:
            next(rounds)
            steps += [("report", gap), ("verify", rng.uniform(2, 8) if f.rda else rng.uniform(4, 25))]
        elif outcome.pending:
            next(rounds)
            steps.append(("report", gap))
        return steps

    def _do_plan(self, when) -> None:
        rng = self.rng
        b = self.b
        f = self.f
        # The plan answers the requirements item by item (逐条逐项), then says how it is organised.
        measures = self._numbered([*self.requirement_texts, rng.choice(texts.UNIVERSAL_MEASURES)])
        report_date = self.project.report_date
        planned = f.deadline if f.kind != Kind.LONG_TERM else f.deadline + datetime.timedelta(days=rng.randint(0, 365))
        planned = max(planned, when.date() + datetime.timedelta(days=7))
        form = b.legal_form[f.unit.pk]
        department = rng.choice(D.INNER_DEPARTMENTS[form])
        person = b._name()
        titles = texts.MILESTONES[f.kind]
        count = {Kind.IMMEDIATE: rng.randint(1, 2), Kind.PHASED: rng.randint(2, 3)}.get(f.kind, rng.randint(3, 4))
        titles = titles[:1] + titles[len(titles) - count + 1 :] if count > 1 else titles[-1:]
        start = max(report_date, when.date())
        span = max(7, (planned - start).days)
        milestones = [
            (title, start + datetime.timedelta(days=round(span * number / len(titles))))
            for number, title in enumerate(titles, start=1)
        ]
        new = build_plan(
            self.contact,
            f.obj,
            measures=measures,
            responsible_person=person,
            planned_completion=planned,
            responsible_department=department,
            milestones=milestones,
            at=when,
        )
        self.plan = b._stamp(new.plan, when)
        self.milestones = [b._stamp(m, when) for m in new.milestones]
        self._record(new.event)
        if new.move:
            self._transition(when + datetime.timedelta(seconds=1), self.contact, new.move.name, new.move.comment)

    @staticmethod
    def _numbered(items: list[str]) -> str:
        ordinals = "一二三四五六"
        return "；".join(f"{ordinals[i]}是{item}" for i, item in enumerate(items)) + "。"

    def _do_report(self, when) -> None:
        rng = self.rng
        b = self.b
        f = self.f
        round_ = self.round_queue.pop(0)
        self.current_round = round_
        number = len(self.reports) + 1
        group = texts.GROUP_TEXTS[f.group]
        context = dict(self.context, part=money_text(round_.claim), pct=str(rng.randint(30, 80)))
        methods = texts.CATEGORY_TEXTS[f.category.code]["m"]
        amounts = self._split(round_.claim, methods)
        how = texts.HOW[methods[0]] if methods else ""
        finished = round_.verdict == Verdict.RECTIFIED or (round_.verdict is None and not round_.continued)
        if round_.continued:
            progress = self._pick(texts.PROGRESS_CONTINUED, round_.claim)
        elif round_.verdict == Verdict.FALSE_RECTIFICATION:
            progress = rng.choice(texts.PROGRESS_FALSE)
        elif round_.verdict == Verdict.NOT_RECTIFIED:
            progress = "已制定整改方案，正在组织实施。"
        elif round_.verdict == Verdict.PARTLY_RECTIFIED:
            progress = self._pick(texts.PROGRESS_PARTIAL, round_.claim)
        elif f.cents:
            progress = rng.choice(texts.PROGRESS_DONE)
        else:
            progress = rng.choice(texts.PROGRESS_DONE_NO_MONEY)
        progress = progress.format_map(dict(context, how=how))
        unfinished = not finished and round_.verdict != Verdict.FALSE_RECTIFICATION
        # A finished round may be a self-inspection report; otherwise the service's default kind
        # (continued for a long-term finding, a progress report else).
        kind = ReportKind.SELF_INSPECTION if finished and rng.random() < 0.3 else None
        measures = self._numbered(
            [rng.choice(texts.UNIVERSAL_MEASURES), *rng.sample(group["measures"], k=rng.randint(1, 2))]
        )
        unfinished_reason = rng.choice(texts.UNFINISHED_REASONS) if unfinished else ""
        next_steps = rng.choice(texts.NEXT_STEPS) if unfinished else ""
        next_steps_due = when.date() + datetime.timedelta(days=rng.randint(30, 120)) if unfinished else None
        issued = self.project.report_date
        rules = []
        if (finished or round_.continued) and rng.random() < (0.85 if f.group == "08" else 0.4 if finished else 0.2):
            for title in rng.sample(group["rules"], k=rng.randint(1, 2)):
                adopted = max(issued, when.date() - datetime.timedelta(days=rng.randint(1, 20)))
                rules.append(
                    {
                        "title": f"《{f.unit.short_name}{title}》",
                        "document_number": f"{b.abbr[b.org_key[f.unit.pk]]}发〔{adopted.year}〕{rng.randint(3, 160)}号",
                        "adopted_on": adopted,
                    }
                )
        people = []
        after_false = any(r.verdict == Verdict.FALSE_RECTIFICATION for r in f.rounds[: number - 1])
        if finished and (after_false or (f.category.code in _ACCOUNTABLE_CATEGORIES and rng.random() < 0.35)):
            for _ in range(rng.randint(1, 3)):
                people.append(
                    {
                        "person_name": b._name(),
                        "position": rng.choice(texts.ACCOUNTABLE_POSITIONS),
                        "outcome": weighted(rng, _OUTCOME_WEIGHTS),
                    }
                )
        new = build_report(
            self.contact,
            f.obj,
            round_number=number,
            rectified_so_far=counted_amount((r, self.verdicts.get(r.round)) for r in self.reports),
            measures=measures,
            progress=progress,
            unfinished_reason=unfinished_reason,
            next_steps=next_steps,
            next_steps_due=next_steps_due,
            amounts={name: cents_to_decimal(cents) for name, cents in amounts.items()},
            rules=rules,
            accountability=people,
            kind=kind,
            at=when,
        )
        report = b._stamp(new.report, when)
        self.reports.append(report)
        self.rules += [b._stamp(row, when) for row in new.rules]
        self.people += [b._stamp(row, when) for row in new.people]
        self._attach_evidence(report, when, finished, amounts)
        self._record(new.event)
        if new.move:
            self._transition(when + datetime.timedelta(seconds=1), self.contact, new.move.name, new.move.comment)

    def _pick(self, templates: list[str], claim: int) -> str:
        """A template; those that name this round's amount ({part}) only when money was rectified."""
        return self.rng.choice([t for t in templates if claim or "{part}" not in t])

    def _split(self, cents: int, methods: list[str]) -> dict[str, int]:
        if not cents or not methods:
            return {}
        if len(methods) == 1 or self.rng.random() < 0.6:
            return {methods[0]: cents}
        first = int(cents * self.rng.uniform(0.6, 0.9))
        return {methods[0]: first, methods[1]: cents - first}

    def _attach_evidence(self, report: ProgressReport, when, finished: bool, amounts: dict[str, int]) -> None:
        rng = self.rng
        keys = ["report"]
        if amounts:
            keys.append("receipt" if {"amount_to_treasury", "amount_returned_to_source"} & set(amounts) else "voucher")
        if finished and rng.random() < 0.5:
            keys.append(rng.choice(["minutes", "rules", "contract", "photo1", "photo2"]))
        if self.f.group == "10":
            keys.append("photo3")
        elif rng.random() < 0.12:
            keys.append(rng.choice(["photo1", "photo2"]))
        for key in dict.fromkeys(keys):
            sniffed, stored, name = self.b.evidence_files[key]
            row = build_evidence(
                self.contact,
                report,
                sniffed,
                stored=stored,
                original_name=name,
                description=f"第{report.round}轮佐证材料",
            )
            self.b._stamp(row, when)
            self.evidence.append(row)

    def _verifier(self) -> User:
        # The verifier is an auditor of the project's team who did not submit the report (unit users do).
        team = [u for u in self.project.team if u.pk != self.reports[-1].submitted_by_id]
        return self.rng.choice(team)

    def _do_verify(self, when) -> None:
        rng = self.rng
        round_ = self.current_round
        report = self.reports[-1]
        verifier = self._verifier()
        verdict = round_.verdict
        if round_.continued:
            reasons = rng.choice(texts.CONTINUED_REVIEW)
        else:
            key = "rectified_no_money" if verdict == Verdict.RECTIFIED and not self.f.cents else verdict
            left = rng.choice(texts.LEFT_UNDONE if self.f.cents else texts.LEFT_UNDONE_NO_MONEY)
            reasons = rng.choice(texts.VERDICT_REASONS[key]).format(left=left)
        genuine = round_.genuine_before
        if verdict in (Verdict.RECTIFIED, Verdict.PARTLY_RECTIFIED):
            genuine += round_.claim
        rectified = verdict == Verdict.RECTIFIED
        new = build_verification(
            verifier,
            self.f.obj,
            report,
            claimed_so_far=counted_amount((r, self.verdicts.get(r.round)) for r in self.reports),
            verdict=verdict,
            reasons=reasons,
            verified_amount=cents_to_decimal(genuine),
            complete=rectified,
            compliant=rectified or verdict == Verdict.PARTLY_RECTIFIED,
            at=when,
        )
        verification = self.b._stamp(new.verification, when)
        self.verifications.append(verification)
        self.verdicts[report.round] = verification
        self._record(new.event)
        if new.move:
            later = when + datetime.timedelta(seconds=1)
            self._transition(later, verifier, new.move.name, new.move.comment, verification=verification)

    def _do_to_long_term(self, when) -> None:
        self._transition(when, self.project.leader, "to_long_term", self.rng.choice(texts.ROAD_MAPS))

    def _do_resume(self, when) -> None:
        self._transition(when, self.contact, "resume", "持续整改事项已基本完成，恢复整改并报送销号")

    def _finish(self) -> None:
        obj = self.f.obj
        # Milestones done: all of them by close-out, else those due and (mostly) met.
        end = obj.closed_at.date() if obj.closed_at else timezone.localtime(self.last_at, self.b.tz).date()
        for milestone in self.milestones:
            start = self.plan.submitted_at.date()
            if obj.closed_at or (milestone.due_date <= end and self.rng.random() < 0.6):
                done = min(milestone.due_date, end) - datetime.timedelta(days=self.rng.randint(0, 5))
                milestone.completed_on = max(start, done)
        self.b._stamp(obj, self.created_at, self.last_at)
        if self.f.outcome.state != obj.state:
            raise AssertionError(f"{obj.ledger_number}: story ended in {obj.state}, planned {self.f.outcome.state}")

    def finding_history(self) -> list:
        """The finding's history rows: as registered (a draft), then one row per change of state."""
        b = self.b
        obj = self.f.obj
        rows = [
            b._history_row(
                obj,
                when=self.created_at,
                user=self.creator,
                kind="+",
                state=S.DRAFT,
                issued_at=None,
                closed_at=None,
                deadline=None,
            )
        ]
        values = {"issued_at": None, "closed_at": None, "deadline": None}
        for when, actor, reason, state, extra in self.changes:
            values.update(extra)
            rows.append(b._history_row(obj, when=when, user=actor, reason=reason, state=state, **values))
        return rows
