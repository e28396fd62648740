"""Signed license files: what an organization holds, verifiable offline (air-gapped, on-premise).

A file is canonical JSON (UTF-8, sorted keys, no whitespace)::

    {"payload": {"format": ..., "version": 1, "issuer": ..., "key_id": ..., "organization": {...},
                 "issued_at": ..., "expires_at": ..., "tools": [...]},
     "signature": "<base64 Ed25519 signature of the canonical payload>"}

The platform signs with one Ed25519 key, kept in the instance folder or given by the environment;
sites verify with its public key. A file must be byte for byte as issued, so any edit is rejected as tampering.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select

from sdk.models import utcnow
from sdk.tenancy import org_scope

from .compliance.trail import record_event
from .models import License, Organization

FORMAT = "trialoffice-license"
FORMAT_VERSION = 1
ISSUER = "Trial Office"
MAX_FILE_DAYS = 30
KEY_FILE = "license_signing_key.pem"
KEY_ENV = "TRIALOFFICE_LICENSE_SIGNING_KEY"


class LicenseFileError(ValueError):
    """A license file (or signing key) that cannot be used; the message says why."""


@dataclass(frozen=True)
class LicensedTool:
    key: str
    plan: str
    status: str
    seats: int
    valid_until: datetime | None


@dataclass(frozen=True)
class LicenseFileContents:
    issuer: str
    key_id: str
    org_id: int
    org_slug: str
    org_name: str
    issued_at: datetime
    expires_at: datetime
    tools: tuple[LicensedTool, ...]


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(microsecond=0).isoformat()


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_key(value: Ed25519PublicKey | bytes | str) -> Ed25519PublicKey:
    if isinstance(value, Ed25519PublicKey):
        return value
    try:
        key = serialization.load_pem_public_key(value.encode() if isinstance(value, str) else value)
    except ValueError:
        raise LicenseFileError("The public key is not a PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise LicenseFileError("The public key is not an Ed25519 key.")
    return key


def _private_key(pem: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise LicenseFileError(f"{source} is not an unencrypted PEM private key.") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LicenseFileError(f"{source} is not an Ed25519 private key.")
    return key


def signing_key(instance_path: str, *, create: bool = True) -> Ed25519PrivateKey:
    """The platform's signing key: ``$TRIALOFFICE_LICENSE_SIGNING_KEY`` (PEM text), else the key
    file in the instance folder, created (mode 0600) on first use unless ``create`` is false."""
    pem = os.environ.get(KEY_ENV, "").strip()
    if pem:
        return _private_key(pem.encode(), KEY_ENV)
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        if not create:
            raise LicenseFileError(f"This installation has no license signing key yet ({path}).")
        _create_key_file(path)
    return _private_key(path.read_bytes(), str(path))


def _create_key_file(path: Path) -> None:
    """Write a new key atomically; when another process got there first, its key wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".license_key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)


def _entitled_tools(session, org: Organization, now: datetime) -> list[License]:
    with org_scope(org.id):
        licenses = session.scalars(select(License).order_by(License.tool_key)).all()
    return [lic for lic in licenses if lic.entitled(now)]


def export_license_file(session, org: Organization, key: Ed25519PrivateKey, *,
                        now: datetime | None = None) -> bytes:
    """The signed file of ``org``'s current licenses; records the export in the audit trail.

    The file expires with the earliest license in it, and after 30 days at the latest, so an
    offline site comes back for a fresh one. Committing is left to the caller.
    """
    issued_at = (now or utcnow()).replace(microsecond=0)
    licenses = _entitled_tools(session, org, issued_at)
    if not licenses:
        raise LicenseFileError(f"{org.name} holds no current license; there is nothing to export.")
    ends = [lic.valid_until for lic in licenses if lic.valid_until is not None]
    expires_at = min([*ends, issued_at + timedelta(days=MAX_FILE_DAYS)]).replace(microsecond=0)
    tools = [{"key": lic.tool_key, "plan": lic.plan_code, "status": lic.status, "seats": lic.seats,
              "valid_until": _iso(lic.valid_until)} for lic in licenses]
    public_id = key_id(key.public_key())
    payload = {"format": FORMAT, "version": FORMAT_VERSION, "issuer": ISSUER, "key_id": public_id,
               "organization": {"id": org.id, "slug": org.slug, "name": org.name},
               "issued_at": _iso(issued_at), "expires_at": _iso(expires_at), "tools": tools}
    signature = base64.b64encode(key.sign(canonical_json(payload))).decode("ascii")
    record_event(session, org_id=org.id, tool="host", entity_type="license_file", entity_id=org.slug,
                 action="export", changes={"tools": tools, "expires_at": payload["expires_at"],
                                           "key_id": public_id})
    return canonical_json({"payload": payload, "signature": signature})


def verify_license_file(data: bytes, public_key: Ed25519PublicKey | bytes | str, *,
                        now: datetime | None = None) -> LicenseFileContents:
    """Check a license file offline; raises :class:`LicenseFileError` saying what is wrong."""
    public_key = load_public_key(public_key)
    document = _parse(data)
    payload = document["payload"]
    expected_id = key_id(public_key)
    if payload.get("key_id") != expected_id:
        raise LicenseFileError(f"The license file was signed by key {payload.get('key_id')!r}, "
                               f"not by the given public key ({expected_id}).")
    _check_signature(data, document, public_key)
    contents = _contents(payload)
    if (now or utcnow()) >= contents.expires_at:
        raise LicenseFileError(f"The license file expired on {contents.expires_at:%Y-%m-%d %H:%M} UTC; "
                               "export a new one.")
    return contents


def _parse(data: bytes) -> dict:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LicenseFileError("This is not a Trial Office license file: it is not valid JSON.") from None
    payload = document.get("payload") if isinstance(document, dict) else None
    if not isinstance(payload, dict) or not isinstance(document.get("signature"), str):
        raise LicenseFileError("This is not a Trial Office license file: payload or signature missing.")
    if payload.get("format") != FORMAT:
        raise LicenseFileError("This is not a Trial Office license file (unknown format).")
    if payload.get("version") != FORMAT_VERSION:
        raise LicenseFileError(f"Unsupported license file version {payload.get('version')!r}; "
                               f"this installation reads version {FORMAT_VERSION}.")
    return document


def _check_signature(data: bytes, document: dict, public_key: Ed25519PublicKey) -> None:
    """The signature must match the payload, and the file must be exactly as issued."""
    tampered = LicenseFileError("The license file has been tampered with: its signature does not "
                                "match its contents.")
    body = data[:-1] if data.endswith(b"\n") else data
    if canonical_json(document) != body:
        raise tampered
    try:
        signature = base64.b64decode(document["signature"], validate=True)
        public_key.verify(signature, canonical_json(document["payload"]))
    except (binascii.Error, InvalidSignature):
        raise tampered from None
    if base64.b64encode(signature).decode("ascii") != document["signature"]:
        raise tampered


def _time(value, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise LicenseFileError(f"The license file's {what} is not a valid time.") from None
    if moment.tzinfo is None:
        raise LicenseFileError(f"The license file's {what} has no time zone.")
    return moment


def _contents(payload: dict) -> LicenseFileContents:
    try:
        org = payload["organization"]
        tools = tuple(LicensedTool(t["key"], t["plan"], t["status"], int(t["seats"]),
                                   _time(t["valid_until"], "validity") if t["valid_until"] else None)
                      for t in payload["tools"])
        return LicenseFileContents(payload["issuer"], payload["key_id"], int(org["id"]), org["slug"],
                                   org["name"], _time(payload["issued_at"], "issue time"),
                                   _time(payload["expires_at"], "expiry"), tools)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, LicenseFileError):
            raise
        raise LicenseFileError("The license file is incomplete: a required field is missing.") from None
