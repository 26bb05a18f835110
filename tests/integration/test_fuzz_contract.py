"""The declared contract, fuzzed: schemathesis generates requests for every
operation of the stack's own ``/api/v1/openapi.json`` — valid ones and invalid
ones, with invented path ids and with the ids of real objects — as four callers
(anonymous, an applicant, a unit admin, committee staff), and every answer must be
no server error, a status the document declares for that operation, and a body
that matches the declared schema.

Bounded and repeatable: derandomised (the same examples on every run), one
example of every pairing first, then a few more of each while a time budget lasts."""
import os
import time
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.integration.contract_world import build_contract_world

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
ROLES = ("anonymous", "applicant", "unit_admin", "committee_staff")
# Examples per operation, role, mode (valid / invalid data) and ids (invented /
# real) where the role may act; where it is refused at the door (401/403) one
# valid example shows that refusal is declared.
EXAMPLES = 4
# Seconds for the second, deeper pass; the first (one example per pairing) always
# runs whole, so every operation is fuzzed as every role on any machine. CI keeps
# the suite under 20 minutes with 40; ZC_FUZZ_SECONDS=600 digs deeper by hand.
TIME_BUDGET = int(os.environ.get("ZC_FUZZ_SECONDS", "40"))

# Not fuzzed, and why.
EXCLUDED = {
    ("POST", "/api/v1/auth/logout"): "ends the session every later request of that role uses",
}

# Real objects for path parameters, so generated bodies reach the services' rules
# and not only "not found": path template -> {parameter: object name in the world}.
REAL_PARAMS = [
    ("/api/v1/applications/{id}", {"id": "application", "att_id": "attachment", "key": "section"}),
    ("/api/v1/review/applications/{id}", {"id": "application"}),
    ("/api/v1/continuing-education/{id}", {"id": "ce_record"}),
    ("/api/v1/certificates/{no}", {"no": "certificate"}),
    ("/api/v1/public/certificates/{no}", {"no": "certificate"}),
    ("/api/v1/units/{id}", {"id": "unit"}),
    ("/api/v1/admin/committees/{id}", {"id": "committee"}),
    ("/api/v1/committees/{id}", {"id": "committee"}),
    ("/api/v1/notices/{id}", {"id": "notice"}),
    ("/api/v1/public/notices/{id}", {"id": "notice"}),
    ("/api/v1/committee/meetings/{id}", {"id": "meeting"}),
    ("/api/v1/committee/objections/{id}", {"id": "objection"}),
    ("/api/v1/public/publicity/{id}", {"id": "publicity"}),
    ("/api/v1/admin/organizations/{id}", {"id": "department"}),
    ("/api/v1/admin/qualifications/{id}", {"id": "qualification"}),
]


def real_params(path, world):
    for prefix, names in REAL_PARAMS:
        if path.startswith(prefix):
            return {param: world.ids[name] for param, name in names.items() if f"{{{param}}}" in path}
    if path.startswith("/api/v1/payments/callbacks/"):
        return {"provider": "sandbox"}
    return None


@dataclass
class Findings:
    examples: int = 0
    runs: int = 0
    planned: int = 0
    seconds: float = 0
    operations: int = 0
    cut_short: bool = False
    by_kind: dict = field(default_factory=dict)   # (operation, failure title, status) -> (role, count, sample)

    def add(self, operation, role, title, status, sample):
        key = (operation, title, status)
        _, count, first = self.by_kind.get(key, (role, 0, sample))
        self.by_kind[key] = (role, count + 1, first)

    def report(self):
        lines = [f"{len(self.by_kind)} distinct failures in {self.examples} examples:"]
        for (operation, title, status), (role, count, sample) in sorted(self.by_kind.items()):
            lines.append(f"- {operation} [{role}] {title} (HTTP {status}) ×{count}\n    {sample[:600]}")
        return "\n".join(lines)


@pytest.fixture(scope="module")
def world(api, stack, admin_token):
    return build_contract_world(api, stack, admin_token)


def _explore(strategy, examples, send):
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=strategy)
    def explore(case):
        send(case)
    try:
        explore()
    except Unsatisfiable:
        pass  # nothing to make invalid: an operation without parameters or body, in negative mode


def _sender(findings, role, base_url, headers, session):
    def send(case):
        findings.examples += 1
        try:
            response = case.call(base_url=base_url, headers=headers, session=session, timeout=30)
        except requests.RequestException as exc:
            findings.add(case.operation.label, role, f"no answer: {type(exc).__name__}", None, str(exc))
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                findings.add(case.operation.label, role, failure.title, response.status_code,
                             f"{case.as_curl_command(headers=headers)}\n    → {response.text[:300]}")
    return send


def _may_act(operation, role):
    """Whether the role passes the gateway's door for this operation."""
    security = operation.definition.raw.get("security")
    if not security:
        return True
    if role == "anonymous":
        return False
    allowed = operation.definition.raw.get("x-roles")
    return not allowed or role in allowed


def _plan(operations, world):
    """(role, operation, mode, path parameters) for every pairing worth a run:
    where the role is refused at the door, one valid request; where it may act,
    valid and invalid data, with invented ids and, where the path names one, the
    id of a real object of the world."""
    plan = []
    for role in ROLES:
        for operation in operations:
            if (operation.method.upper(), operation.path) in EXCLUDED:
                continue
            if not _may_act(operation, role):
                plan.append((role, operation, schemathesis.GenerationMode.POSITIVE, None))
                continue
            fixed = real_params(operation.path, world)
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
                plan.append((role, operation, mode, None))
                if fixed:
                    plan.append((role, operation, mode, fixed))
    return plan


def fuzz(schema, base_url, world, budget=TIME_BUDGET):
    """Two passes over the plan: one example of each pairing (always whole), then
    ``EXAMPLES`` of each while the time budget lasts (how far it got is reported)."""
    findings = Findings()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    senders = {}
    for role in ROLES:
        # Each role its own client address, so one role's throttling is not another's.
        headers = {"X-Forwarded-For": f"203.0.113.{ROLES.index(role) + 10}"}
        if world.tokens[role]:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        senders[role] = _sender(findings, role, base_url, headers, requests.Session())
    plan = _plan(operations, world)
    for examples in (1, EXAMPLES):
        for role, operation, mode, fixed in plan:
            if examples > 1 and time.monotonic() - started > budget:
                findings.cut_short = True
                break
            if examples > 1 and not _may_act(operation, role):
                continue
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
            _explore(strategy, examples, senders[role])
            findings.runs += 1
    findings.seconds = time.monotonic() - started
    findings.operations = len(operations)
    findings.planned = len(plan)
    return findings


@pytest.mark.timeout(600)  # the first pass, the budget, and building the world on a busy machine
def test_every_answer_is_declared_and_no_server_error(stack, world):
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/api/v1/openapi.json")
    assert len(list(schema.get_all_operations())) >= 70, "the document lists every route"
    findings = fuzz(schema, stack.base_url, world)
    print(f"fuzz: {findings.examples} examples in {findings.runs} runs of {findings.planned} pairings "
          f"({findings.operations} operations × {len(ROLES)} roles) in {findings.seconds:.0f} s"
          + (" (the deeper pass was cut short by the time budget)" if findings.cut_short else ""))
    assert not findings.by_kind, findings.report()
