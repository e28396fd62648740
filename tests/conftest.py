"""Session-wide settings of the host's test suite."""
import pytest
from argon2 import PasswordHasher

from host.auth import passwords
from tests.plugins import testtool

pytest_plugins = ["tests.runtime_fixtures", "tests.cli_fixtures", "tests.stripe_fixtures"]


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [testtool]


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real Argon2id with tiny costs: the suite tests flows, not the hash's strength."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
