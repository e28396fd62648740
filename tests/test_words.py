"""Status words are the same everywhere: labels, never raw codes such as "trialing"."""
import re

import pytest

from host.words import STATUS_WORDS, status_word
from tests.runtime_fixtures import signed_in


def test_every_known_code_has_a_label_and_unknown_ones_read_as_words():
    assert status_word("trialing", "license") == "Free trial"
    assert status_word("past_due", "subscription") == "Payment overdue"
    assert status_word("some_new_state", "license") == "Some new state"
    assert all(label and "_" not in label for words in STATUS_WORDS.values() for label in words.values())


@pytest.mark.parametrize("status, label", [("trialing", "Free trial"), ("active", "Active"),
                                           ("suspended", "Suspended")])
def test_billing_page_shows_words_and_the_plans_name(app, support, fast_user, status, label):
    owner = fast_user("owner@acme.org")
    acme = support.create_org("acme", owner=owner)
    support.grant_license(acme, "testtool", status=status, plan="basic")
    page = signed_in(app, owner).get("/o/acme/billing").get_data(as_text=True)
    row = re.search(r'<tr data-tool="testtool">(.*?)</tr>', page, re.S).group(1)
    assert f">{label}</span>" in row and f">{status}<" not in row
    assert "Basic" in row and "basic" not in row.replace("Basic", "")
