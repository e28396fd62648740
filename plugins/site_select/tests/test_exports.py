"""The shortlist CSV goes through the SDK's formula-safe writer: site names, networks and
investigators typed into the site master reach the spreadsheet as text; numbers stay numbers."""
from __future__ import annotations

import csv
import io

from ..services import shortlists as shortlist_service
from ..services.sites import create_site
from ..services.specs import parse_spec, parse_weights, spec_to_dict
from .seeds import RANK_SPEC, add_history, seed_cardiology


def _seed_with_a_formula_site():
    ids = seed_cardiology()
    site = create_site({"name": '=HYPERLINK("http://evil.example","Open")', "country": "DE", "city": "Hamburg",
                        "lat": 53.55, "lon": 9.99, "therapeutic_areas": "cardiology",
                        "network": "+cmd|' /C calc'!A0", "investigators": "@SUM(1+1)"})
    add_history(site, "T-104", "2021-01-04", "2021-02-01", "2021-02-15", "2021-12-01", 40, 30)
    spec = spec_to_dict(parse_spec(RANK_SPEC), parse_weights(RANK_SPEC), title="Injection")
    shortlist = shortlist_service.create_shortlist(
        "Formula / test ü", spec, [site.id, ids["Berlin Heart Center"]], trial_ref="HF-9")
    return shortlist.id


def test_shortlist_csv_neutralizes_typed_formulas(world):
    shortlist_id = world.run(world.acme, _seed_with_a_formula_site)
    response = world.client.get(f"/o/acme/site_select/shortlists/{shortlist_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="Formula-test.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    evil = next(row for row in rows if "HYPERLINK" in row["site"])
    assert evil["site"] == """'=HYPERLINK("http://evil.example","Open")"""
    assert evil["network"] == "'+cmd|' /C calc'!A0" and evil["investigator"] == "'@SUM(1+1)"
    assert float(evil["score"]) >= 0 and not evil["score"].startswith("'")
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
