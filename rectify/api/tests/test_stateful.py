"""A stateful Schemathesis run over the API: sequences of calls chained by the links Schemathesis infers
between operations (a created object's id fed to the operations on it), as an auditor and as a unit
contact, over the real WSGI stack. No answer may be a server error."""

from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error

from rectify.testing import api_token, fuzz_examples

pytestmark = pytest.mark.django_db

# Bounded: each run takes well under a minute on the test world.
SCENARIOS = fuzz_examples(20)
STEPS = 10


@pytest.mark.parametrize("username", ["auditor", "unit"])
def test_sequences_of_calls_never_meet_a_server_error(world, ledger, wsgi_application, username):
    token = api_token(world[username])
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_application, headers=headers)
    statuses: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()

    machine = schema.as_state_machine()
    # Links inferred between operations (a created object's id to the operations on it); without them
    # the run would be a plain fuzz.
    transitions = schema.statistic.transitions.total

    class Workflow(machine):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            statuses[response.status_code] += 1
            calls[f"{case.method} {case.path}"] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[not_a_server_error])

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(
        f"\nstateful ({username}): {transitions} links, {sum(statuses.values())} calls, {len(calls)} operations, "
        f"{dict(sorted(statuses.items()))}"
    )
    assert not any(code >= 500 for code in statuses)
    assert transitions > 0 and sum(statuses.values()) >= SCENARIOS
