"""``trialoffice audit verify`` finds tampering and names the entry."""
from sqlalchemy import text

from host.db import get_db
from tests.compliance_helpers import create_record, entries, org_with_tool


def test_verify_reports_intact_then_names_the_altered_entry(make_app, make_user, make_org, grant_license,
                                                            login_as, invoke):
    app, owner, org, client = org_with_tool(make_app, make_user, make_org, grant_license, login_as)
    for title in ("Informed consent v1", "Informed consent v2"):
        create_record(client, "acme", title)
    ok = invoke("audit", "verify")
    assert ok.exit_code == 0, ok.output
    assert "organization acme" in ok.output and "chain intact" in ok.output

    target = entries(app, tool="testtool")[0]
    with get_db(app).engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET actor_label = 'someone else' WHERE id = :id"),
                     {"id": target.id})
    broken = invoke("audit", "verify", "--org", "acme")
    assert broken.exit_code == 1
    assert f"audit entry id {target.id}" in broken.output and "altered" in broken.output


def test_verify_unknown_org_is_one_line_error(app, invoke):
    result = invoke("audit", "verify", "--org", "nope")
    assert result.exit_code != 0 and "There is no organization 'nope'" in result.output
