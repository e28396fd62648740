"""Every study, randomization and unblinding route is in /api/v1/openapi.json with its request
and response schemas (named rtsm.*), and the answers' arm fields are documented as optional."""
import re

ENDPOINTS = {"list_studies", "create_study", "show_study", "simulate_scheme", "randomize", "list_allocations",
             "unblind"}


def test_every_route_is_documented_with_its_schemas(sponsor):
    doc = sponsor.app.test_client().get("/api/v1/openapi.json").get_json()
    rules = [rule for rule in sponsor.app.url_map.iter_rules() if rule.rule.startswith("/api/v1/o/<org>/rtsm/")
             and rule.endpoint.rsplit(".", 1)[-1] in ENDPOINTS]
    assert {rule.endpoint.rsplit(".", 1)[-1] for rule in rules} == ENDPOINTS
    for rule in rules:
        path = re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path][method.lower()]
            where = f"{method} {path}"
            if method == "POST":
                schema = next(iter(operation["requestBody"]["content"].values()))["schema"]
                assert schema["$ref"].startswith("#/components/schemas/rtsm."), where
                assert "422" in operation["responses"], where
            successes = [answer for code, answer in operation["responses"].items() if code.startswith("2")]
            assert successes, where
            for answer in successes:
                assert answer["content"]["application/json"]["schema"]["$ref"].startswith(
                    "#/components/schemas/rtsm."), where
    schemas = doc["components"]["schemas"]
    answer = schemas["rtsm.AllocationOut"]
    assert {"subject", "sequence", "kit"} <= set(answer["required"]) and "arm" not in answer["required"]
    assert set(schemas["rtsm.AllocationRow"]["required"]) >= {"subject", "site", "stratum", "arm"}
    randomize = doc["paths"]["/api/v1/o/{org}/rtsm/studies/{study_id}/randomize"]["post"]["responses"]
    assert {"200", "201", "422"} <= set(randomize)


def test_generated_requests_get_documented_answers_and_never_a_server_error(sponsor):
    """Schemathesis sends valid and invalid requests to each of these operations of HF-301, as
    the study's owner: every answer is documented (status, content type, body), none a 500."""
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

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    headers = sponsor.headers()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", sponsor.app)
    failures: dict[str, str] = {}
    exercised = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if "/rtsm/" not in operation.path or operation.label.rsplit("/", 1)[-1] not in {
                "studies", "{study_id}", "simulation", "randomize", "allocations", "unblindings"}:
            continue
        exercised += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=5, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters={
                "org": "acme-pharma", "study_id": sponsor.study_id}))
            def run(case):
                response = case.call(headers=headers)
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except FailureGroup as group:
                    found = "; ".join(sorted({f"{f.title}: {f.message}"[:300] for f in group.exceptions}))
                    failures.setdefault(operation.label, f"{response.status_code} {found} {response.text[:300]!r}")
            run()
    assert exercised == 7
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
