"""The OpenAPI 3 document at /api/v1/openapi.json: generated from the code, tools' APIs included."""
from __future__ import annotations

import logging
import re
from types import SimpleNamespace

import flask_smorest
import pytest
from marshmallow import Schema, fields, validate

from host import create_app
from host.api.docs import document_tool_apis
from sdk import Manifest, Plan, hookimpl
from tests.plugins import testtool

HOST_OPERATIONS = {
    "/api/v1/tools": {"get"},
    "/api/v1/o/{org}/tools": {"get"},
    "/api/v1/o/{org}/tools/{key}/trial": {"post"},
    "/api/v1/o/{org}/tools/{key}/enable": {"post"},
    "/api/v1/o/{org}/tools/{key}/disable": {"post"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class NoteIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=50))


class NoteOut(Schema):
    title = fields.String(required=True)


notes_api = flask_smorest.Blueprint("smtool_api", __name__, description="Notes of the smorest tool")


@notes_api.route("/notes", methods=["POST"])
@notes_api.arguments(NoteIn)
@notes_api.response(201, NoteOut)
def add_note(note):
    """Add a note

    Echoes the note back.
    """
    return note


class SmorestTool:
    """A tool whose API is a flask-smorest blueprint, documented by flask-smorest itself."""

    manifest = Manifest(key="smtool", name="Smorest Tool", summary="Notes through a smorest API.",
                        version="0.1.0", publisher="QA", api_level=1,
                        plans=(Plan(code="basic", name="Basic", amount=100),))

    @hookimpl
    def tool_api_blueprint(self):
        return notes_api


@pytest.fixture
def doc(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.fixture
def smorest_app(app):
    """An app with the smorest tool besides the test tool, on the same migrated database."""
    config = {key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "STORAGE_DIR")}
    config.update(TESTING=True, WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False,
                  LOAD_PLUGINS=["testtool", "smtool"])
    made = create_app(config, extra_plugins=[testtool, SmorestTool()])
    yield made
    made.extensions["trialoffice.db"].dispose()


def operations(doc: dict, path: str) -> dict:
    return {method: op for method, op in doc["paths"][path].items() if method in HTTP_METHODS}


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_document_describes_the_api(doc):
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "Trial Office API"
    assert doc["info"]["version"] == "v1"
    for path, methods in HOST_OPERATIONS.items():
        assert path in doc["paths"], path
        assert set(operations(doc, path)) == methods, path


def test_bearer_tokens_are_the_security_scheme_and_the_catalog_is_public(doc):
    assert doc["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"bearerAuth": []} in doc["security"]
    assert operations(doc, "/api/v1/tools")["get"]["security"] == []
    assert "security" not in operations(doc, "/api/v1/o/{org}/tools")["get"]


def test_operations_have_summaries_responses_and_error_schemas(doc):
    for path in HOST_OPERATIONS:
        for method, op in operations(doc, path).items():
            assert op["summary"] and op["tags"], (path, method)
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
    trial = operations(doc, "/api/v1/o/{org}/tools/{key}/trial")["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(trial)
    assert trial["403"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    assert set(doc["components"]["schemas"]["Error"]["properties"]) == {"error", "message"}
    org_tool = doc["components"]["schemas"]["OrgTool"]["properties"]
    assert {"license_status", "plan", "seats", "valid_until", "trial_ends_at", "enabled", "serving"} <= set(org_tool)
    assert org_tool["valid_until"]["format"] == "date-time"


def test_the_document_is_well_formed(doc):
    for ref in set(refs(doc)):
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            assert part in node, f"dangling {ref}"
            node = node[part]
    used_tags = {tag for path in doc["paths"] for op in operations(doc, path).values() for tag in op["tags"]}
    assert used_tags <= {tag["name"] for tag in doc["tags"]}
    for path, item in doc["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for op in operations(doc, path).values():
            mine = declared | {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert set(re.findall(r"{(\w+)}", path)) == mine, path


def test_tool_apis_are_documented_from_the_url_map(doc):
    path = "/api/v1/o/{org}/testtool/records"
    ops = operations(doc, path)
    assert set(ops) == {"get", "post"}
    assert all(op["tags"] == ["Test Tool"] for op in ops.values())
    assert any(tag["name"] == "Test Tool" for tag in doc["tags"])
    assert "`edit`" in ops["post"]["description"] and "403" in ops["post"]["responses"]
    assert "permission" in ops["post"]["responses"]["403"]["description"]
    assert "seat" in ops["get"]["responses"]["403"]["description"] and "402" in ops["get"]["responses"]
    assert [p["name"] for p in doc["paths"][path]["parameters"]] == ["org"]


def test_every_error_an_operation_can_answer_is_documented_with_its_body(doc):
    for path in doc["paths"]:
        for method, op in operations(doc, path).items():
            codes = set(op["responses"])
            assert "default" not in codes and {"400", "401"} <= codes, (path, method)
            if method == "post":
                assert "413" in codes, (path, method)
            if path.startswith("/api/v1/o/{org}/"):
                assert "404" in codes, (path, method)
            for code, answer in op["responses"].items():
                if "$ref" in answer:
                    answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
                if code.startswith("4"):
                    assert answer["content"]["application/json"]["schema"]["$ref"].startswith("#/components/"), \
                        (path, method, code)
    purchase = operations(doc, "/api/v1/o/{org}/tools/{key}/purchase")["post"]["responses"]
    assert {"201", "402", "409", "422"} <= set(purchase)


def test_the_tool_gate_and_the_tools_own_answers_are_documented(doc):
    records = operations(doc, "/api/v1/o/{org}/testtool/records")
    unavailable = records["get"]["responses"]["402"]["content"]["application/json"]["schema"]
    assert unavailable["$ref"] == "#/components/schemas/ToolUnavailable"
    assert set(doc["components"]["schemas"]["ToolUnavailable"]["properties"]) == {"error", "message", "tool"}
    assert {"201", "409", "422"} <= set(records["post"]["responses"]) and "200" not in records["post"]["responses"]
    body = records["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/testtool.RecordIn"}
    assert doc["components"]["schemas"]["testtool.RecordIn"]["properties"]["title"]["maxLength"] == 200
    tool_error = doc["components"]["schemas"]["ToolError"]
    assert set(tool_error["required"]) == {"error", "message"} and tool_error["additionalProperties"] is True


def test_the_organization_audit_trail_is_documented(doc):
    audit = operations(doc, "/api/v1/o/{org}/audit")["get"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(audit["responses"])
    assert {p["name"] for p in audit["parameters"]} >= {"tool", "user", "date_from", "date_to", "limit"}
    entry = doc["components"]["schemas"]["AuditEntry"]["properties"]
    assert {"sequence", "at", "actor", "tool", "action", "changes", "reason", "hash"} <= set(entry)


def test_a_smorest_tool_api_is_documented_by_smorest_and_works(smorest_app, support, make_user, make_org):
    doc = smorest_app.test_client().get("/api/v1/openapi.json").get_json()
    op = operations(doc, "/api/v1/o/{org}/smtool/notes")["post"]
    assert op["summary"] == "Add a note"
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/NoteIn"
    assert "NoteOut" in doc["components"]["schemas"]
    assert "/api/v1/o/{org}/testtool/records" in doc["paths"]

    owner = make_user("owner@acme.example")
    acme = make_org("acme", owner=owner)
    smorest_support = smorest_app.extensions["trialoffice.testing"]
    smorest_support.grant_license(acme, "smtool", enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(acme, owner)}"}
    client = smorest_app.test_client()
    response = client.post("/api/v1/o/acme/smtool/notes", json={"title": "Hello"}, headers=headers)
    assert response.status_code == 201, response.data
    assert response.get_json() == {"title": "Hello"}
    response = client.post("/api/v1/o/acme/smtool/notes", json={"title": ""}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()) == {"error", "message", "problems", "fields"}
    assert response.get_json()["fields"] == {"title": ["title: Length must be between 1 and 50."]}


def test_no_documentation_page_loads_assets_from_elsewhere(client):
    for path in ("/api/v1/swagger-ui", "/api/v1/redoc", "/api/v1/rapidoc"):
        assert client.get(path).status_code == 404


def test_a_tool_api_that_cannot_be_documented_does_not_stop_the_host(app, caplog):
    def refuse(**kwargs):
        raise ValueError("an odd rule")

    broken_api = SimpleNamespace(spec=SimpleNamespace(tag=lambda tag: None, path=refuse))
    with caplog.at_level(logging.ERROR):
        document_tool_apis(broken_api, app)
    assert "API of tool testtool could not be put in the OpenAPI document" in caplog.text
