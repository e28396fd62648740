"""Tool APIs declare their bodies with marshmallow (``sdk.api_docs``): every tool endpoint is in the
OpenAPI document with its request and response schemas, named after the tool, and refused input
gets the platform's one 422 shape (``sdk.forms.InputProblems``)."""
from __future__ import annotations

import re

import pytest
from flask import Flask, jsonify
from marshmallow import Schema, fields, validate

from host import create_app
from sdk.api_docs import InvalidInput, problems_of, responds, takes_body, takes_query
from sdk.forms import InputProblems
from tests.plugins import studytool, testtool

BODY_METHODS = {"POST", "PUT", "PATCH"}
TOOL_API = re.compile(r"^/api/v1/o/<org>/(?P<tool>[a-z][a-z0-9_]*)/")


@pytest.fixture
def every_tool_app(app):
    """The installed tools (site_select) with the test tool and the study tool."""
    config = {key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "STORAGE_DIR")}
    config.update(TESTING=True, LOAD_PLUGINS=None)
    made = create_app(config, extra_plugins=[testtool, studytool])
    yield made
    made.extensions["trialoffice.db"].dispose()


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule)


def resolve(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_tool_endpoint_is_in_the_document_with_a_request_and_response_schema(every_tool_app):
    doc = every_tool_app.test_client().get("/api/v1/openapi.json").get_json()
    tool_blueprints = every_tool_app.extensions["trialoffice.tool_blueprints"]
    checked = set()
    for rule in every_tool_app.url_map.iter_rules():
        match = TOOL_API.match(rule.rule)
        blueprint = rule.endpoint.rsplit(".", 1)[0]
        if not match or blueprint not in tool_blueprints:
            continue
        key = match["tool"]
        path = openapi_path(rule.rule)
        assert path in doc["paths"], path
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = doc["paths"][path][method.lower()]
            where = f"{method} {path}"
            if method in BODY_METHODS:
                content = op["requestBody"]["content"]
                schema = next(iter(content.values()))["schema"]
                assert resolve(doc, schema).get("type") == "object" or resolve(doc, schema).get("properties"), where
                if "application/json" in content:
                    assert schema["$ref"].startswith(f"#/components/schemas/{key}."), where
                    assert "422" in op["responses"], where
            successes = {code: answer for code, answer in op["responses"].items() if code.startswith("2")}
            assert successes, where
            for answer in successes.values():
                (media_type, body), = answer["content"].items()
                if media_type != "application/json":  # a download (CSV, XML) is text of its type
                    assert body["schema"], where
                    continue
                schema = body["schema"]
                assert schema["$ref"].startswith(f"#/components/schemas/{key}."), where
                assert resolve(doc, schema)["properties"], where
            checked.add((key, method, path))
    assert {key for key, _, _ in checked} == {"edc", "edocs", "rtsm", "site_select", "testtool", "studytool"}
    assert len(checked) >= 15


def test_nested_schemas_are_named_after_their_tool_too(every_tool_app):
    doc = every_tool_app.test_client().get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    assert schemas["studytool.SubjectList"]["properties"]["subjects"]["items"] == \
        {"$ref": "#/components/schemas/studytool.SubjectRow"}
    assert not [name for name in schemas if name in {"SubjectRow", "ScoredSite", "Forecast", "RecordIn"}]


def test_the_test_tools_endpoint_checks_its_body(app, client, support, make_user, make_org, grant_license):
    owner = make_user("owner@acme.example")
    acme = make_org("acme", owner=owner)
    grant_license(acme, "testtool", enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(acme, owner)}"}
    r = client.post("/api/v1/o/acme/testtool/records", json={"title": ""}, headers=headers)
    assert r.status_code == 422 and r.get_json()["fields"] == {"title": ["title: Length must be between 1 and 200."]}
    assert client.post("/api/v1/o/acme/testtool/records", headers=headers).status_code == 201
    r = client.post("/api/v1/o/acme/testtool/records", json={"title": "Hello"}, headers=headers)
    assert r.status_code == 201 and r.get_json()["records"] == ["untitled", "Hello"]


# The helper on its own, in a bare Flask app --------------------------------------------------

class Visit(Schema):
    subject = fields.String(required=True, validate=validate.Length(max=10))
    day = fields.Integer(required=True, validate=validate.Range(1, 365))
    weight_kg = fields.Float(validate=validate.Range(1, 400))
    visit_date = fields.Date()


class Paging(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


@pytest.fixture
def bare():
    flask_app = Flask(__name__)

    @flask_app.post("/visits")
    @takes_body(Visit)
    @responds(201, "Saved", schema=Visit)
    def add_visit(body):
        return jsonify(subject=body["subject"], day=body["day"]), 201

    @flask_app.get("/visits")
    @takes_query(Paging)
    def visits(query):
        return jsonify(page=query["page"])

    return flask_app.test_client()


def test_four_bad_fields_answer_four_messages_in_the_common_shape(bare):
    r = bare.post("/visits", json={"subject": "S-0000000001x", "day": 0, "weight_kg": "heavy",
                                   "visit_date": "yesterday"})
    assert r.status_code == 422
    body = r.get_json()
    assert set(body) == {"error", "message", "problems", "fields"} and body["error"] == "invalid_input"
    assert len(body["problems"]) == 4 and set(body["fields"]) == {"subject", "day", "weight_kg", "visit_date"}
    assert body["fields"]["day"] == ["day: Must be greater than or equal to 1 and less than or equal to 365."]
    good = bare.post("/visits", json={"subject": "S-1", "day": 3})
    assert good.status_code == 201 and good.get_json() == {"subject": "S-1", "day": 3}


def test_the_query_is_checked_and_loaded(bare):
    assert bare.get("/visits?page=2").get_json() == {"page": 2}
    assert bare.get("/visits").get_json() == {"page": 1}
    r = bare.get("/visits?page=zero")
    assert r.status_code == 422 and r.get_json()["fields"] == {"page": ["page: Not a valid integer."]}


def test_marshmallow_messages_become_problems_with_their_field():
    found = problems_of({"json": {"spec": {"countries": {"0": ["Bad code."]}}, "_schema": ["Odd."]}},
                        by_location=True)
    assert found.items == [("spec.countries.0", "spec.countries.0: Bad code."), (None, "Odd.")]
    error = InvalidInput(InputProblems([("name", "Enter a name.")]))
    assert error.code == 422 and str(error.input_problems) == "Enter a name."
