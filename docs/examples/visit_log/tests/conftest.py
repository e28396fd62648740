"""The visit log's tests run on the platform's pytest plugin (installed with Trial Office):
``make_app``, ``make_user``, ``make_org``, ``grant_license``, ``login_as`` and ``support``."""
import sys
from pathlib import Path

import pytest

# Installed (pip install -e .), the tool is found by its entry point; this example is tested in
# place from the platform's repository, so it is put on the path and handed to the apps.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import visit_log  # noqa: E402


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [visit_log]


@pytest.fixture
def acme(make_app, make_user, make_org, grant_license, login_as):
    """acme's owner, signed in, with the visit log licensed and switched on."""
    make_app(plugins=["visit_log"])
    owner = make_user("olivia@acme.example.org", name="Olivia Owner")
    org = make_org("acme", owner=owner)
    grant_license(org, "visit_log", enable=True)
    return login_as(owner)
