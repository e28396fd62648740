"""The document service: ``tool().documents.file(...)`` hands a document to the organization's
document tool through the outbox, does nothing when no such tool serves the organization, and
refuses bad arguments without writing anything."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from host.db import get_db
from host.events.models import OutboxEvent
from sdk import org_scope, services, tool
from sdk.documents import FILE_REQUESTED, MAX_DOCUMENT_BYTES, DocumentFilingError
from tests.generated_tools import make_tool
from tests.outbox_helpers import outbox_events
from tests.runtime_fixtures import support_of

RECEIPT = b"%PDF-1.4 shipment 17 received in good condition\n%%EOF\n"


@pytest.fixture
def world(app_with, fast_user):
    """A ``filer`` tool that handles documents.file_requested (it reads the bytes it is handed);
    acme has it and the test tool, beta has only the test tool."""
    received = []

    def file_document(event):
        received.append((event, tool().key, tool().storage.get(event.payload["file_key"])))

    app = app_with(make_tool("filer", handlers={FILE_REQUESTED: file_document}))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    beta = support.create_org("beta", owner=fast_user("owner@beta.org"))
    for org, keys in ((acme, ("filer", "testtool")), (beta, ("testtool",))):
        for key in keys:
            support.grant_license(org, key, enable=True)
    return {"app": app, "acme": acme, "beta": beta, "received": received}


def file_as_testtool(app, org, **arguments):
    """``tool().documents.file(**arguments)`` as the test tool's code in ``org``, then commit."""
    with app.test_request_context(), org_scope(org.id), support_of(app).running_tool("testtool"):
        event_id = tool().documents.file(**arguments)
        services().db_session().commit()
        return event_id


def files_on_disk(app, org) -> list[str]:
    folder = app.extensions["trialoffice.services"].storage.root / str(org.id)
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_filed_document_reaches_the_document_tool_with_its_bytes(world):
    app, acme = world["app"], world["acme"]
    event_id = file_as_testtool(app, acme, trial_ref="PROTO-001", artifact="06.01.01", filename="shipment-17.pdf",
                                data=RECEIPT, title="Shipment 17 receipt", level="site", site_ref="SITE-04",
                                document_date=date(2026, 11, 2))
    assert isinstance(event_id, str) and event_id
    [(event, handler_tool, data)] = world["received"]
    assert (event.id, event.name, handler_tool, data) == (event_id, FILE_REQUESTED, "filer", RECEIPT)
    assert event.payload == {
        "trial_ref": "PROTO-001", "site_ref": "SITE-04", "artifact": "06.01.01", "level": "site",
        "title": "Shipment 17 receipt", "filename": "shipment-17.pdf", "file_key": event.payload["file_key"],
        "source_tool": "testtool", "document_date": "2026-11-02"}
    assert files_on_disk(app, acme) == [event.payload["file_key"]]


def test_the_title_defaults_to_the_filename_and_a_trial_document_has_no_site(world):
    app, acme = world["app"], world["acme"]
    assert file_as_testtool(app, acme, trial_ref="PROTO-001", artifact="01.01.01", filename="tmf-plan.pdf",
                            data=RECEIPT) is not None
    [(event, _, _)] = world["received"]
    assert (event.payload["title"], event.payload["level"], event.payload["site_ref"],
            event.payload["document_date"]) == ("tmf-plan.pdf", "trial", None, None)


def test_without_a_serving_document_tool_nothing_is_stored_or_emitted(world):
    app, beta = world["app"], world["beta"]
    assert file_as_testtool(app, beta, trial_ref="PROTO-001", artifact="06.01.01", filename="receipt.pdf",
                            data=RECEIPT) is None
    assert outbox_events(app) == [] and files_on_disk(app, beta) == [] and world["received"] == []


@pytest.mark.parametrize("arguments, says", [
    ({"artifact": "6.1.1"}, "artifact must be a TMF Reference Model number such as '06.01.01'"),
    ({"level": "region"}, "level must be one of trial, country, site, not 'region'"),
    ({"level": "site"}, "site_ref (required for level 'site') must be a non-empty text"),
    ({"trial_ref": "  "}, "trial_ref must be a non-empty text"),
    ({"filename": "x" * 201}, "filename is 201 characters; at most 200"),
    ({"data": b""}, "data must be the document's bytes, not empty"),
    ({"data": "text, not bytes"}, "data must be the document's bytes, not empty"),
    ({"data": b"x" * (MAX_DOCUMENT_BYTES + 1)}, "at most 50 MB can be filed"),
    ({"document_date": "2026-11-02"}, "document_date must be a date, not str"),
])
def test_bad_arguments_are_refused_with_a_message_and_nothing_is_written(world, arguments, says):
    app, acme = world["app"], world["acme"]
    good = {"trial_ref": "PROTO-001", "artifact": "06.01.01", "filename": "receipt.pdf", "data": RECEIPT}
    with pytest.raises(DocumentFilingError) as refused:
        file_as_testtool(app, acme, **{**good, **arguments})
    assert says in str(refused.value) and str(refused.value).startswith("The document cannot be filed: ")
    assert isinstance(refused.value, ValueError)
    with app.app_context(), org_scope(acme.id):
        assert get_db(app).session.scalar(select(func.count()).select_from(OutboxEvent)) == 0
    assert files_on_disk(app, acme) == [] and world["received"] == []


def test_every_problem_is_named_at_once(world):
    with pytest.raises(DocumentFilingError) as refused:
        file_as_testtool(world["app"], world["acme"], trial_ref="", artifact="zone 6", filename="r.pdf",
                         data=b"", level="site")
    message = str(refused.value)
    assert all(part in message for part in ("trial_ref", "artifact", "site_ref", "data"))
