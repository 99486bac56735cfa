"""Where each finding's story has reached today: its state, the rounds sent back, and the money of each round."""

from __future__ import annotations

import datetime
import math
from collections import Counter

from django.conf import settings

from rectify.demo import texts
from rectify.demo.base import (
    S,
    weighted,
)
from rectify.demo.records import FindingPlan, Outcome, Round
from rectify.findings.choices import Kind
from rectify.rectification.choices import Verdict


class OutcomesPart:
    """Decides each finding's kind, amount, deadline, outcome and report rounds."""

    def _outcomes(self) -> None:
        rng = self.rng
        for finding in self.findings:
            project = finding.project
            text = texts.CATEGORY_TEXTS[finding.category.code]
            finding.kind = weighted(rng, dict(zip(Kind.values, text["k"], strict=True)))
            finding.cents = self._amount(text)
            if project.role == "fieldwork":
                finding.rda = rng.random() < 0.3
                if finding.rda:
                    finding.kind = Kind.IMMEDIATE
                finding.outcome = Outcome(S.DRAFT)
                continue
            finding.rda = finding.kind == Kind.IMMEDIATE and rng.random() < 0.06
            finding.deadline = self._deadline(finding.kind, project.report_date)
            finding.outcome = self._outcome(finding)
        self._guarantee()
        for finding in self.findings:
            if finding.outcome.state != S.DRAFT:
                self._plan_money(finding)

    def _amount(self, text: dict) -> int:
        rng = self.rng
        if text["a"] is None or rng.random() < text["z"]:
            return 0
        low, high = text["a"]
        wan = math.exp(rng.uniform(math.log(low), math.log(high)))
        if wan < 1:
            return round(wan * 10000) * 100
        return round(wan * 100) * 10000

    def _outcome(self, finding: FindingPlan) -> Outcome:
        rng = self.rng
        elapsed = (self.today - finding.project.report_date).days
        if elapsed < 3:
            return Outcome(S.ISSUED)
        if finding.rda:
            return Outcome(S.CLOSED) if elapsed > 12 else Outcome(S.SUBMITTED, pending=True)
        kind = finding.kind
        if kind == Kind.IMMEDIATE:
            steps = [(20, 0.12), (45, 0.4), (120, 0.62), (365, 0.86), (730, 0.92)]
        elif kind == Kind.PHASED:
            steps = [(60, 0.05), (120, 0.3), (365, 0.66), (730, 0.86), (1100, 0.92)]
        else:
            steps = [(365, 0.0), (730, 0.3), (1100, 0.55), (1500, 0.7)]
        p_closed = next((p for limit, p in steps if elapsed < limit), 0.95 if kind != Kind.LONG_TERM else 0.8)
        if finding.project.role == "yellow" and kind == Kind.IMMEDIATE:
            p_closed = 0.1
        if rng.random() < p_closed:
            if kind == Kind.LONG_TERM and elapsed > 200:
                rounds = max(1, min(4, (elapsed - 150) // self.interval))
                return Outcome(S.CLOSED, via_long_term=True, continued_rounds=rng.randint(1, rounds))
            returns = self._returns(elapsed, closed=True)
            return Outcome(S.CLOSED, returns=returns)
        # Still open.
        if kind == Kind.LONG_TERM or (kind == Kind.PHASED and elapsed > 120 and rng.random() < 0.15):
            if elapsed > 45 and rng.random() < 0.8:
                rounds = max(0, min(5, (elapsed - 60) // self.interval))
                return Outcome(S.LONG_TERM, continued_rounds=rounds, reviewed_continued=rng.random() < 0.7)
        issued_share = 0.45 if elapsed < 20 else (0.1 if elapsed < 120 else 0.04)
        draw = rng.random()
        if draw < issued_share:
            return Outcome(S.ISSUED)
        if draw < issued_share + (1 - issued_share) * 0.35:
            return Outcome(S.SUBMITTED, returns=self._returns(elapsed), pending=True)
        return Outcome(S.RECTIFYING, returns=self._returns(elapsed, open_=True))

    def _returns(self, elapsed: int, *, closed: bool = False, open_: bool = False) -> list[str]:
        rng = self.rng
        if elapsed < 40:
            return []
        share = 0.18 if closed else (0.45 if open_ else 0.25)
        if rng.random() >= share:
            return []
        verdicts = {Verdict.PARTLY_RECTIFIED: 70, Verdict.NOT_RECTIFIED: 25, Verdict.FALSE_RECTIFICATION: 5}
        returns = [weighted(rng, verdicts)]
        if elapsed > 200 and rng.random() < 0.15:
            returns.append(Verdict.PARTLY_RECTIFIED)
        return returns

    def _guarantee(self) -> None:
        """Makes sure the demo shows every state and situation, whatever the seed and the size.

        Each fix takes a finding whose state others share, so no fix undoes another."""
        rng = self.rng
        open_states = (S.ISSUED, S.RECTIFYING, S.LONG_TERM)
        reported = [f for f in self.findings if f.outcome.state != S.DRAFT]
        old = [f for f in reported if (self.today - f.project.report_date).days > 400]
        yellow_window = self.today + datetime.timedelta(days=settings.RECTIFY_WARNING_DAYS)

        def counts() -> Counter:
            return Counter(f.outcome.state for f in reported)

        def convert(pool: list[FindingPlan], outcome: Outcome, kind: str | None = None) -> None:
            shared = counts()
            pool = [f for f in pool if shared[f.outcome.state] > 1]
            if not pool:
                return
            chosen = rng.choice(pool)
            chosen.rda = False
            if kind:
                chosen.kind = kind
                chosen.deadline = self._deadline(kind, chosen.project.report_date)
            chosen.outcome = outcome

        # Every state.
        for outcome in (
            Outcome(S.ISSUED),
            Outcome(S.RECTIFYING),
            Outcome(S.SUBMITTED, pending=True),
            Outcome(S.CLOSED),
        ):
            if not counts()[outcome.state]:
                convert(old or reported, outcome)
        # A long-term item with continued reports.
        if not any(f.outcome.state == S.LONG_TERM and f.outcome.continued_rounds for f in reported):
            convert(old or reported, Outcome(S.LONG_TERM, continued_rounds=2), Kind.LONG_TERM)
        # Returned once and submitted again; and a few false rectifications.
        closed_old = [f for f in old if f.outcome.state == S.CLOSED and not f.outcome.via_long_term and not f.rda]
        if not any(f.outcome.state == S.CLOSED and f.outcome.returns for f in reported):
            convert(closed_old, Outcome(S.CLOSED, returns=[Verdict.PARTLY_RECTIFIED]))
        wanted_false = max(2, self.n // 150)
        for _ in range(wanted_false - sum(Verdict.FALSE_RECTIFICATION in f.outcome.returns for f in reported)):
            convert(
                [f for f in closed_old if not f.outcome.returns],
                Outcome(S.CLOSED, returns=[Verdict.FALSE_RECTIFICATION]),
            )
        # Colours: yellow (an immediate item of the project reported to fall due within the window), red, green.
        if not any(f.outcome.state in open_states and self.today <= f.deadline <= yellow_window for f in reported):
            yellow = [f for f in reported if f.project.role == "yellow"]
            convert(yellow, Outcome(S.RECTIFYING), Kind.IMMEDIATE)
        if not any(f.outcome.state in open_states and f.deadline < self.today for f in reported):
            late = [f for f in reported if (self.today - f.deadline).days > 20]
            convert(late, Outcome(S.RECTIFYING, returns=[Verdict.PARTLY_RECTIFIED]))
        if not any(f.outcome.state in open_states and f.deadline > yellow_window for f in reported):
            convert([f for f in reported if f.deadline > yellow_window], Outcome(S.RECTIFYING))

    def _plan_money(self, finding: FindingPlan) -> None:
        """The report rounds of a finding's story and the money each claims (cents)."""
        rng = self.rng
        outcome = finding.outcome
        rounds: list[Round] = []
        for verdict in outcome.returns:
            rounds.append(Round(verdict))
        if outcome.state == S.LONG_TERM or outcome.via_long_term:
            for number in range(outcome.continued_rounds):
                last = number == outcome.continued_rounds - 1
                reviewed = outcome.reviewed_continued or not last or outcome.via_long_term
                rounds.append(Round("continued" if not reviewed else Verdict.PARTLY_RECTIFIED, continued=True))
        if outcome.state == S.CLOSED:
            rounds.append(Round(Verdict.RECTIFIED, final=True))
        elif outcome.pending:
            rounds.append(Round(None, final=True))
        room = finding.cents
        genuine = 0
        for round_ in rounds:
            round_.genuine_before = genuine
            if round_.verdict == Verdict.RECTIFIED:
                claim = room if rng.random() < 0.88 else int(room * rng.uniform(0.85, 0.99))
            elif round_.verdict is None:
                claim = room if rng.random() < 0.7 else int(room * rng.uniform(0.5, 0.95))
            elif round_.continued:
                claim = int(room * rng.uniform(0.1, 0.3))
            elif round_.verdict == Verdict.PARTLY_RECTIFIED:
                claim = int(room * rng.uniform(0.2, 0.6))
            else:  # not rectified, false rectification: nothing genuine to count
                claim = 0
            round_.claim = claim
            room -= claim
            genuine += claim
        finding.rounds = rounds
