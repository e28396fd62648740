"""The operator CLI: each command's success and each kind of bad input (one line, nothing changed)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, select

from host.auth.passwords import verify_password
from host.auth.tokens import find_active_token
from host.cli import cli
from host.db import get_db
from host.models import Membership, Organization, User
from tests.cli_fixtures import assert_one_line_error
from tests.plugins import cli_broken, clitool

GOOD_PASSWORD = "sturdy pass 42"


def _user(app, email):
    with app.app_context():
        return get_db(app).session.scalar(select(User).where(User.email == email))


def _all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands") and name != "tools":
            yield from _all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *sorted(_all_commands(cli))], ids=" ".join)
def test_every_command_has_help(invoke, path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.stdout
    assert len(result.stdout.split("Options:")[0].splitlines()) >= 3


def test_db_upgrade_creates_the_schema_on_a_fresh_sqlite_file(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("TRIALOFFICE_DATABASE_URL", url)
    monkeypatch.setenv("TRIALOFFICE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("TRIALOFFICE_SECRET_KEY", "cli-test")
    runner = CliRunner()
    assert "pending" in runner.invoke(cli, ["db", "heads"]).stdout
    assert "no migrations applied" in runner.invoke(cli, ["db", "current"]).stdout

    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.stdout
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"alembic_version", "user_account", "organization", "membership", "license"} <= tables

    again = runner.invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0 and "already up to date" in again.stdout
    assert "applied" in runner.invoke(cli, ["db", "heads"]).stdout
    assert runner.invoke(cli, ["db", "current"]).stdout.strip()


def test_db_upgrade_includes_tool_branches_and_is_idempotent(invoke):
    result = invoke("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "already up to date" in result.stdout
    heads = invoke("db", "heads").stdout
    assert "testtool" in heads and "host" in heads and "pending" not in heads


def test_commands_on_an_unmigrated_database_fail_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALOFFICE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("TRIALOFFICE_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(cli, ["users", "create", "a@b.org", "--password-stdin"],
                                input=GOOD_PASSWORD + "\n")
    assert_one_line_error(result, "Database error", "trialoffice db upgrade")


def test_admin_create_reads_the_password_from_stdin(app, invoke):
    result = invoke("admin", "create", "Root@Example.org", "--name", "Rita Root", "--password-stdin",
                    input=GOOD_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = _user(app, "root@example.org")
    assert user.is_platform_admin and user.name == "Rita Root"
    assert verify_password(user.password_hash, GOOD_PASSWORD)


def test_users_create_prompts_twice_for_a_hidden_password(app, invoke):
    result = invoke("users", "create", "jane.doe@example.org", input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output
    user = _user(app, "jane.doe@example.org")
    assert not user.is_platform_admin and user.name == "Jane Doe"


@pytest.mark.parametrize("args, stdin, message", [
    (("users", "create", "a@example.org"), f"{GOOD_PASSWORD}\nother pass 42\n", "do not match"),
    (("users", "create", "a@example.org", "--password-stdin"), "short1\n", "at least"),
    (("users", "create", "a@example.org", "--password-stdin"), "onlyletterslong\n", "Mix letters"),
    (("users", "create", "a@example.org", "--password-stdin"), "\n", "No password"),
    (("users", "create", "not-an-email", "--password-stdin"), GOOD_PASSWORD + "\n", "valid email"),
    (("admin", "create", "a@example.org", "--name", " ", "--password-stdin"), GOOD_PASSWORD + "\n",
     "name"),
])
def test_account_creation_refuses_bad_input(invoke, row_counts, args, stdin, message):
    before = row_counts()
    assert_one_line_error(invoke(*args, input=stdin), message)
    assert row_counts() == before


def test_duplicate_email_is_refused(invoke, make_user, row_counts):
    make_user("taken@example.org")
    before = row_counts()
    result = invoke("admin", "create", "TAKEN@example.org", "--password-stdin", input=GOOD_PASSWORD + "\n")
    assert_one_line_error(result, "already exists")
    assert row_counts() == before


def test_orgs_create_makes_the_user_owner(app, invoke, make_user):
    owner = make_user("owner@northwind.example.org")
    result = invoke("orgs", "create", "northwind", "--type", "sponsor", "--owner", owner.email,
                    "--name", "Northwind Therapeutics")
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = get_db(app).session
        org = session.scalar(select(Organization).where(Organization.slug == "northwind"))
        assert (org.name, org.type) == ("Northwind Therapeutics", "sponsor")
        membership = session.scalar(select(Membership).where(Membership.org_id == org.id))
        assert (membership.user_id, membership.role) == (owner.id, "owner")


@pytest.mark.parametrize("args, message", [
    (("acme", "--type", "hospital", "--owner", "owner@example.org"), "type must be one of"),
    (("acme", "--type", "cro", "--owner", "nobody@example.org"), "no user"),
    (("taken", "--type", "cro", "--owner", "owner@example.org"), "is taken"),
    (("Bad Slug!", "--type", "cro", "--owner", "owner@example.org"), "short name"),
    (("admin", "--type", "cro", "--owner", "owner@example.org"), "reserved"),
])
def test_orgs_create_refuses_bad_input(invoke, make_user, make_org, row_counts, args, message):
    owner = make_user("owner@example.org")
    make_org("taken", owner=owner)
    before = row_counts()
    assert_one_line_error(invoke("orgs", "create", *args), message)
    assert row_counts() == before


def test_tokens_create_prints_a_working_token_once(app, invoke, make_user, make_org, grant_license):
    owner = make_user("owner@acme.example.org")
    org = make_org("acme", owner=owner)
    grant_license(org, "testtool", enable=True)
    result = invoke("tokens", "create", "--org", "acme", "--email", owner.email, "--name", "ci")
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert len(result.stdout.splitlines()) == 1 and raw.startswith("to_")
    with app.app_context():
        token = find_active_token(get_db(app).session, raw)
        assert (token.user_id, token.org_id, token.name) == (owner.id, org.id, "ci")
    response = app.test_client().get("/api/v1/o/acme/testtool/records",
                                     headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200, response.data
    assert response.get_json() == {"records": []}


@pytest.mark.parametrize("org, email, extra, message", [
    ("nowhere", "owner@acme.example.org", (), "no organization"),
    ("acme", "ghost@example.org", (), "no user"),
    ("acme", "outsider@example.org", (), "not a member"),
    ("acme", "owner@acme.example.org", ("--name", " "), "1-100 characters"),
])
def test_tokens_create_refuses_bad_input(invoke, make_user, make_org, row_counts, org, email, extra,
                                         message):
    make_org("acme", owner=make_user("owner@acme.example.org"))
    make_user("outsider@example.org")
    before = row_counts()
    result = invoke("tokens", "create", "--org", org, "--email", email, *extra)
    assert_one_line_error(result, message)
    assert result.stdout == ""
    assert row_counts() == before


def test_plugins_list_shows_available_and_unavailable_tools(invoke):
    table = invoke("plugins", "list", plugins=[cli_broken, clitool])
    assert table.exit_code == 0, table.output
    assert "testtool" in table.stdout and "available" in table.stdout
    result = invoke("plugins", "list", "--json", plugins=[cli_broken, clitool])
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["testtool"]["state"] == "available" and rows["testtool"]["reason"] is None
    assert (rows["testtool"]["version"], rows["testtool"]["api_level"]) == ("1.0.0", 1)
    broken = rows["cli_broken"]
    assert broken["state"] == "unavailable"
    assert "invalid manifest" in broken["reason"] and "PEP 440" in broken["reason"]


@pytest.mark.parametrize("host, secure", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                          ("0.0.0.0", True), ("10.1.2.3", True)])
def test_run_serves_with_secure_cookies_except_on_loopback(invoke, monkeypatch, host, secure):
    served = {}
    monkeypatch.setattr("host.cli.serve.run_simple",
                        lambda h, p, app, **kw: served.update(host=h, port=p, app=app, **kw))
    result = invoke("run", "--host", host, "--port", 5055)
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"], served["threaded"]) == (host, 5055, True)
    assert served["app"].config["SESSION_COOKIE_SECURE"] is secure
    assert served["app"].config["REMEMBER_COOKIE_SECURE"] is secure


def test_tool_commands_run_inside_the_app(invoke):
    result = invoke("tools", "clitool", "hello", "--name", "Ann", plugins=[clitool])
    assert result.exit_code == 0 and result.stdout == "Hello, Ann!\n", result.output
    result = invoke("tools", "clitool", "ping-db", plugins=[clitool])
    assert result.exit_code == 0 and result.stdout == "db says 1\n", result.output
    listing = invoke("tools", "--help", plugins=[clitool])
    assert "clitool" in listing.stdout and "testtool" not in listing.stdout


@pytest.mark.parametrize("args, message", [
    (("nosuch", "hello"), "no tool 'nosuch'"),
    (("cli_broken", "hello"), "unavailable: invalid manifest"),
    (("testtool", "hello"), "has no commands"),
    (("clitool", "fail"), "The batch number is not valid."),
])
def test_tool_commands_report_bad_input_in_one_line(invoke, args, message):
    assert_one_line_error(invoke("tools", *args, plugins=[clitool, cli_broken]), message)
