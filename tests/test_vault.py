"""``tool().vault``: bytes sealed at rest with a key of the running tool's own.

The key of each tool is derived from the installation's vault key (``VAULT_KEY``: the
environment's TRIALOFFICE_VAULT_KEY, else a key generated once in the instance folder), so a
token sealed by one tool is refused by another, by an installation with another vault key, and
once changed by a single character.
"""
from __future__ import annotations

import stat

import pytest

from host.config import load_config
from sdk import tool
from sdk.vault import VaultError
from tests.generated_tools import make_tool
from tests.runtime_fixtures import support_of

SECRET = b'{"list": ["A", "P", "A"], "seed": "0f3c"}'


@pytest.fixture
def two_tools(app_with):
    """An app with two level-2 tools, ``sealer`` and ``opener`` (plus the test tool)."""
    return app_with(make_tool("sealer", api_level=2), make_tool("opener", api_level=2))


def seal(app, key: str, data) -> str:
    with app.app_context(), support_of(app).running_tool(key):
        return tool().vault.seal(data)


def unseal(app, key: str, token: str) -> bytes:
    with app.app_context(), support_of(app).running_tool(key):
        return tool().vault.unseal(token)


def test_sealed_bytes_come_back_unchanged_and_are_not_readable_in_the_token(two_tools):
    token = seal(two_tools, "sealer", SECRET)
    assert isinstance(token, str) and token.isascii()
    assert b"list" not in token.encode() and "seed" not in token
    assert unseal(two_tools, "sealer", token) == SECRET
    assert seal(two_tools, "sealer", SECRET) != token  # a fresh IV each time: equal lists look different


def test_bytearray_and_empty_bytes_are_sealed_too(two_tools):
    assert unseal(two_tools, "sealer", seal(two_tools, "sealer", bytearray(b"abc"))) == b"abc"
    assert unseal(two_tools, "sealer", seal(two_tools, "sealer", b"")) == b""


def test_a_token_sealed_by_one_tool_cannot_be_unsealed_by_another(two_tools):
    token = seal(two_tools, "sealer", SECRET)
    with pytest.raises(VaultError, match="not sealed by the tool 'opener'"):
        unseal(two_tools, "opener", token)


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],   # the HMAC changed
    lambda t: t[:40] + ("x" if t[40] != "x" else "y") + t[41:],  # the ciphertext changed
    lambda t: t[:-10],                                            # cut short
    lambda t: "not a token at all",
    lambda t: "é" + t,                                            # not even ASCII
])
def test_a_changed_token_is_refused_rather_than_decrypted(two_tools, tamper):
    token = seal(two_tools, "sealer", SECRET)
    with pytest.raises(VaultError):
        unseal(two_tools, "sealer", tamper(token))


def test_vault_error_is_a_value_error_so_callers_may_treat_it_as_bad_input(two_tools):
    with pytest.raises(ValueError):
        unseal(two_tools, "sealer", "garbage")


@pytest.mark.parametrize("not_bytes", ["a text", 42, None, ["A", "P"]])
def test_seal_takes_bytes_only(two_tools, not_bytes):
    with pytest.raises(TypeError, match="vault.seal\\(\\) takes bytes"):
        seal(two_tools, "sealer", not_bytes)


def test_another_vault_key_cannot_unseal(two_tools, app_with):
    token = seal(two_tools, "sealer", SECRET)
    other = app_with(make_tool("sealer", api_level=2), VAULT_KEY="another installation's vault key")
    assert other.config["VAULT_KEY"] != two_tools.config["VAULT_KEY"]
    with pytest.raises(VaultError):
        unseal(other, "sealer", token)


def test_the_same_vault_key_unseals_in_another_process(two_tools, app_with):
    """Another app (another process, as far as the app can tell) with the same key reads it."""
    token = seal(two_tools, "sealer", SECRET)
    other = app_with(make_tool("sealer", api_level=2), VAULT_KEY=two_tools.config["VAULT_KEY"])
    assert unseal(other, "sealer", token) == SECRET


def test_the_vault_key_is_generated_once_in_the_instance_folder_readable_by_the_owner_only(
        tmp_path, monkeypatch):
    monkeypatch.delenv("TRIALOFFICE_VAULT_KEY", raising=False)
    monkeypatch.delenv("TRIALOFFICE_SECRET_KEY", raising=False)
    first = load_config(str(tmp_path))
    key_file = tmp_path / "vault_key"
    assert key_file.read_text().strip() == first["VAULT_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["VAULT_KEY"] != first["SECRET_KEY"]  # rotating the session secret loses nothing
    again = load_config(str(tmp_path))
    assert again["VAULT_KEY"] == first["VAULT_KEY"]
    assert len(first["VAULT_KEY"]) >= 64  # 32 random bytes, hex


def test_trialoffice_vault_key_is_used_when_set_and_no_file_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALOFFICE_VAULT_KEY", "a key kept in the deployment's secret store")
    config = load_config(str(tmp_path))
    assert config["VAULT_KEY"] == "a key kept in the deployment's secret store"
    assert not (tmp_path / "vault_key").exists()


def test_apps_started_with_trialoffice_vault_key_share_sealed_data(app_with, monkeypatch):
    monkeypatch.setenv("TRIALOFFICE_VAULT_KEY", "one key for every process of the installation")
    first, second = app_with(make_tool("sealer", api_level=2)), app_with(make_tool("sealer", api_level=2))
    assert first.config["VAULT_KEY"] == "one key for every process of the installation"
    assert unseal(second, "sealer", seal(first, "sealer", SECRET)) == SECRET
