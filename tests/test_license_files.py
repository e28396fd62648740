"""Signed license files: export, offline verification, tampering, foreign keys, expiry, the CLI."""
from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from host.db import get_db
from host.license_files import (
    KEY_FILE,
    LicenseFileError,
    export_license_file,
    key_id,
    public_key_pem,
    signing_key,
    verify_license_file,
)
from host.models import License, Organization
from sdk.audit import reason_for_change
from sdk.models import utcnow
from sdk.tenancy import org_scope
from tests.cli_fixtures import assert_one_line_error
from tests.compliance_helpers import entries

KEY = Ed25519PrivateKey.generate()


@pytest.fixture
def orgs(app, make_user, make_org, grant_license):
    """acme holds testtool (3 seats) and a lapsed edctool; beta holds betatool."""
    acme = make_org("acme", owner=make_user("owner@acme.example.org"))
    beta = make_org("beta", owner=make_user("owner@beta.example.org"))
    grant_license(acme, "testtool", seats=3, days=60)
    grant_license(acme, "edctool", status="lapsed")
    grant_license(beta, "betatool", seats=7)
    return acme, beta


def _export(app, org, key=KEY, now=None) -> bytes:
    with app.app_context():
        session = get_db(app).session
        data = export_license_file(session, session.get(Organization, org.id), key, now=now)
        session.commit()
        return data


def test_export_then_verify_lists_tools_and_seats(app, orgs):
    acme, _beta = orgs
    data = _export(app, acme)
    contents = verify_license_file(data, KEY.public_key())
    assert (contents.org_slug, contents.org_id, contents.key_id) == ("acme", acme.id, key_id(KEY.public_key()))
    assert [(t.key, t.seats, t.status) for t in contents.tools] == [("testtool", 3, "active")]
    assert contents.expires_at <= contents.issued_at + timedelta(days=30)
    assert data == json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()


def test_file_expires_with_its_earliest_license(app, make_user, make_org, grant_license):
    org = make_org("short", owner=make_user("owner@short.example.org"))
    grant_license(org, "testtool", days=5)
    contents = verify_license_file(_export(app, org), KEY.public_key())
    assert contents.expires_at == contents.tools[0].valid_until.replace(microsecond=0)


def test_export_is_audited(app, orgs):
    acme, _beta = orgs
    _export(app, acme)
    (entry,) = entries(app, entity_type="license_file")
    assert (entry.org_id, entry.entity_id, entry.action, entry.tool) == (acme.id, "acme", "export", "host")
    assert [t["key"] for t in entry.changes["tools"]] == ["testtool"]


def test_org_file_holds_nothing_of_another_org_nor_lapsed_licenses(app, orgs):
    acme, beta = orgs
    text = _export(app, acme).decode()
    assert "betatool" not in text and "beta" not in text and "edctool" not in text
    assert [t.key for t in verify_license_file(_export(app, beta), KEY.public_key()).tools] == ["betatool"]


def test_org_without_current_license_has_nothing_to_export(app, make_user, make_org, grant_license):
    org = make_org("empty", owner=make_user("owner@empty.example.org"))
    grant_license(org, "testtool", status="suspended")
    with pytest.raises(LicenseFileError, match="nothing to export"):
        _export(app, org)


def test_every_one_byte_change_is_rejected(app, orgs):
    data = _export(app, orgs[0])
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0x01
        with pytest.raises(LicenseFileError):
            verify_license_file(bytes(changed), KEY.public_key())


def test_tampered_payload_says_signature(app, orgs):
    data = _export(app, orgs[0])
    tampered = data.replace(b'"seats":3', b'"seats":9')
    with pytest.raises(LicenseFileError, match="tampered.*signature"):
        verify_license_file(tampered, KEY.public_key())
    with pytest.raises(LicenseFileError, match="not valid JSON"):
        verify_license_file(data[:-1], KEY.public_key())
    with pytest.raises(LicenseFileError, match="not a Trial Office license file"):
        verify_license_file(b'{"hello":"world"}', KEY.public_key())


def test_file_signed_by_another_key_is_rejected(app, orgs):
    other = Ed25519PrivateKey.generate()
    data = _export(app, orgs[0], key=other)
    with pytest.raises(LicenseFileError, match="signed by key"):
        verify_license_file(data, KEY.public_key())
    forged = data.replace(key_id(other.public_key()).encode(), key_id(KEY.public_key()).encode())
    with pytest.raises(LicenseFileError, match="signature"):
        verify_license_file(forged, KEY.public_key())


def test_expired_file_is_rejected_with_its_date(app, orgs):
    issued = utcnow() - timedelta(days=45)
    data = _export(app, orgs[0], now=issued)
    expiry = (issued + timedelta(days=30)).strftime("%Y-%m-%d")
    with pytest.raises(LicenseFileError, match=f"expired on {expiry}"):
        verify_license_file(data, KEY.public_key())


def test_signing_key_is_created_once_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("TRIALOFFICE_LICENSE_SIGNING_KEY", raising=False)
    with pytest.raises(LicenseFileError, match="no license signing key"):
        signing_key(str(tmp_path), create=False)
    first = signing_key(str(tmp_path))
    assert stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode) == 0o600
    assert key_id(signing_key(str(tmp_path)).public_key()) == key_id(first.public_key())
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_signing_key_from_environment(tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization

    pem = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    monkeypatch.setenv("TRIALOFFICE_LICENSE_SIGNING_KEY", pem)
    assert key_id(signing_key(str(tmp_path)).public_key()) == key_id(KEY.public_key())
    assert not (tmp_path / KEY_FILE).exists()
    monkeypatch.setenv("TRIALOFFICE_LICENSE_SIGNING_KEY", "not a key")
    with pytest.raises(LicenseFileError, match="TRIALOFFICE_LICENSE_SIGNING_KEY"):
        signing_key(str(tmp_path))


def test_cli_export_public_key_verify_round_trip(app, orgs, invoke, tmp_path):
    target = tmp_path / "acme.json"
    exported = invoke("licenses", "export", "--org", "acme", "--output", target)
    assert exported.exit_code == 0, exported.output
    assert f"Wrote {target}" in exported.output and "testtool" in exported.output
    assert "edctool" not in exported.output
    public = invoke("licenses", "public-key")
    assert public.exit_code == 0 and public.output.startswith("-----BEGIN PUBLIC KEY-----")
    pem = tmp_path / "issuer.pem"
    pem.write_text(public.output)

    verified = invoke("licenses", "verify", target, "--public-key", pem)
    assert verified.exit_code == 0, verified.output
    assert "Valid license file for" in verified.output and "(acme)" in verified.output
    line = next(row for row in verified.output.splitlines() if row.startswith("testtool"))
    assert " 3 " in line
    assert invoke("licenses", "verify", target).exit_code == 0

    target.write_bytes(target.read_bytes().replace(b'"seats":3', b'"seats":4'))
    assert_one_line_error(invoke("licenses", "verify", target, "--public-key", pem), "tampered")
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    exported_again = invoke("licenses", "export", "--org", "acme", "--output", target)
    assert exported_again.exit_code == 0, exported_again.output
    assert_one_line_error(invoke("licenses", "verify", target, "--public-key", other), "signed by key")


def test_cli_default_output_and_bad_input(app, orgs, invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("licenses", "export", "--org", "beta")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "beta-license.json").exists()
    assert_one_line_error(invoke("licenses", "export", "--org", "nope"), "There is no organization 'nope'")
    assert_one_line_error(invoke("licenses", "verify", "missing.json"), "Cannot read missing.json")
    Path("junk.json").write_text("hello")
    assert_one_line_error(invoke("licenses", "verify", "junk.json"), "not valid JSON")


def test_lapsed_license_leaves_the_file(app, orgs):
    acme, _beta = orgs
    with app.app_context(), org_scope(acme.id), reason_for_change("test: lapse"):
        session = get_db(app).session
        session.scalar(select(License).where(License.tool_key == "testtool")).status = "lapsed"
        session.commit()
    with pytest.raises(LicenseFileError, match="nothing to export"):
        _export(app, acme)
