"""Session-wide settings of the host's test suite (cheap password hashes come from the harness)."""
import pytest

from tests.plugins import testtool

pytest_plugins = ["tests.runtime_fixtures", "tests.cli_fixtures", "tests.stripe_fixtures", "tests.job_fixtures"]


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [testtool]
