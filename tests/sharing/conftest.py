"""The sharing tests run with the miniature study tool next to the test tool."""
import pytest

from tests.plugins import studytool, testtool


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [testtool, studytool]
