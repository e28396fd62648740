import pytest

from tests.plugins import testtool


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [testtool]
