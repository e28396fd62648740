"""Schemathesis against the served app: requests generated from the OpenAPI document, for every
operation in it, sent with a real API token of an organization that has the tools.

No answer may be a server error, and every answer must conform to the document: its status
code documented, its content type the documented one, its body valid against the schema. The
examples are bounded and derandomized, so the run is the same every time.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: Generated requests per operation and mode (valid data, then invalid data).
EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: The organization and tool every generated request is about (others answer 404, also checked).
PATH_PARAMETERS = {"org": "acme", "key": "testtool"}
TOOLS = ("testtool", "site_select")


@dataclass
class Figures:
    operations: int = 0
    examples: int = 0
    server_errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)

    def report(self) -> str:
        return (f"schemathesis: {self.operations} operations, {self.examples} examples, "
                f"{self.server_errors} server errors, {len(self.failures)} nonconforming operations; "
                f"statuses {dict(sorted(self.statuses.items()))}")


def _exercise(operation, mode, headers: dict, figures: Figures) -> None:
    label = f"{operation.label} [{mode.value}]"

    @settings(max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=PATH_PARAMETERS))
    def run(case):
        figures.examples += 1
        response = case.call(headers=headers)
        figures.statuses[response.status_code] += 1
        if response.status_code >= 500:
            figures.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:  # collected, so that every operation is still exercised
            found = "; ".join(sorted({f"{failure.title}: {failure.message}"[:300] for failure in group.exceptions}))
            figures.failures.setdefault(label, f"{response.status_code} {found} {response.text[:200]!r}")

    run()


def test_every_operation_conforms_to_the_document(app, make_user, make_org, grant_license, support):
    owner = make_user("owner@acme.example.org")
    acme = make_org("acme", owner=owner)
    for tool in TOOLS:
        grant_license(acme, tool, enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(acme, owner)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    figures = Figures()
    for result in schema.get_all_operations():
        operation = result.ok()
        figures.operations += 1
        for mode in EXAMPLES:
            for tool in TOOLS:  # switched back on if an earlier operation switched it off
                support.set_enabled(acme, tool, True)
            _exercise(operation, mode, headers, figures)
    print(figures.report())
    assert figures.operations >= 20 and figures.examples >= figures.operations * sum(EXAMPLES.values()) // 2
    assert figures.server_errors == 0, figures.failures
    assert not figures.failures, "\n\n".join(f"{label}: {text}" for label, text in figures.failures.items())
