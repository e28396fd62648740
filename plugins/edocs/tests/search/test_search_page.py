"""The search page: results with the match marked (and everything else escaped), the binder's
Search tab, a clear message for an empty search, 404 for a binder the person cannot see."""
from __future__ import annotations

from .files import docx_with, pdf_with

PAGE = "/o/{slug}/edocs/search"


def test_results_show_title_artifact_site_status_and_the_match_marked(sponsor):
    sponsor.file("05.02.04", docx_with("Board certified in electrophysiology since 2009"), "cv.docx", level="site",
                 site="101", title="CV Dr Berg")
    page = sponsor.client.get(PAGE.format(slug="acme-pharma"), query_string={"q": "electrophysiology"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "CV Dr Berg" in html and "05.02.04" in html and "site 101" in html and 'data-status="draft"' in html
    assert "<mark>electrophysiology</mark>" in html and "Heart failure 301" in html


def test_text_from_a_document_is_escaped_and_only_the_match_is_marked(sponsor):
    sponsor.file(data=b"<script>alert('x')</script> Troponin <5 ng/L & pericarditis\n", filename="x.txt",
                 title="<img src=x onerror=alert(1)>")
    html = sponsor.client.get(PAGE.format(slug="acme-pharma"), query_string={"q": "pericarditis"}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;5 ng/L &amp; <mark>pericarditis</mark>" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_binders_search_tab_searches_that_binder(sponsor):
    sponsor.file(data=pdf_with("Randomisation plan for cohort B"), filename="rand.pdf", title="Randomisation plan")
    page = sponsor.client.get(PAGE.format(slug="acme-pharma"),
                              query_string={"study_id": sponsor.study_id, "q": "cohort"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Randomisation plan" in html
    assert 'aria-current="page">Search</a>' in html
    assert f'name="study_id" value="{sponsor.study_id}"' in html


def test_an_empty_search_says_so_and_no_search_shows_just_the_box(sponsor):
    empty = sponsor.client.get(PAGE.format(slug="acme-pharma"), query_string={"q": "  "})
    assert empty.status_code == 422 and "Type a word to search for." in empty.get_data(as_text=True)
    odd = sponsor.client.get(PAGE.format(slug="acme-pharma"), query_string={"q": 'NEAR("a b'})
    assert odd.status_code == 200
    first = sponsor.client.get(PAGE.format(slug="acme-pharma"))
    assert first.status_code == 200 and 'role="search"' in first.get_data(as_text=True)


def test_a_site_organization_sees_no_other_sites_document_and_an_outsider_no_binder(sponsor, outsider):
    sponsor.file("05.02.04", docx_with("Meridian echocardiography certificate"), "echo.docx", level="site",
                 site="102", title="Echo certificate")
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    html = sponsor.login_as(site_owner).get(PAGE.format(slug="lakeside"),
                                            query_string={"q": "echocardiography"}).get_data(as_text=True)
    assert "Echo certificate" not in html and "No document you can see matches" in html
    org, owner = outsider
    client = sponsor.login_as(owner)
    assert client.get(PAGE.format(slug=org.slug), query_string={"study_id": sponsor.study_id, "q": "echo"}).status_code == 404
    assert "Echo certificate" not in client.get(PAGE.format(slug=org.slug),
                                                query_string={"q": "echocardiography"}).get_data(as_text=True)
