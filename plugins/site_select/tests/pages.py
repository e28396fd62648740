"""Posting site_select's forms from the pages that show them, CSRF token included."""
from __future__ import annotations

from urllib.parse import urlencode

from sdk.testing import submit_form


def rank_on_page(client, form: dict, org: str = "acme"):
    """Post the rank form of the ranking page and follow its redirect to the results' own URL
    (a refused form answers at once, without a redirect)."""
    page = f"/o/{org}/site_select/rank"
    return submit_form(client, page, form, action=f"{page}/results", follow_redirects=True)


def shortlist_from_results(client, spec: dict, form: dict, org: str = "acme"):
    """Save a shortlist through the form on the results page of ``spec`` (its shared link)."""
    results = f"/o/{org}/site_select/rank/results?{urlencode(spec)}"
    return submit_form(client, results, form, action=f"/o/{org}/site_select/shortlists")


def shown(message: str) -> str:
    """A service message as the kit's pages show it (the host's ``sentence`` filter): a full stop
    at its end and, when it starts with a plain lower-case word, that word capitalized (the API
    answers the message itself)."""
    text = message.strip()
    if not text:
        return text
    first = text.split(maxsplit=1)[0].rstrip(":,;")
    if first.isalpha() and first.islower():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?)" else text + "."