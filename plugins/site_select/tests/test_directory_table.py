"""The site directory on the kit's table: sortable columns, pages, a bookmarkable URL that keeps
the filters, and an empty state that says what to do next."""
from __future__ import annotations

import io
import re
import zipfile

from sdk.testing import submit_form

from ..services.sites import create_site
from .test_imports import batch_id_of, job_of, sites, upload


def _add_sites(world, count):
    def add():
        for i in range(count):
            create_site({"name": f"Site {i:02d}", "country": "DE" if i % 2 else "FR", "city": f"City {29 - i:02d}"})
    world.run(world.acme, add)


def _names(html: str) -> list[str]:
    return re.findall(r'/sites/\d+">([^<]+)</a>', html)


def test_empty_directory_says_how_to_fill_it(world):
    html = world.client.get("/o/acme/site_select/").get_data(as_text=True)
    assert "The site master is empty" in html and "Import AACT files" in html


def test_directory_sorts_pages_and_keeps_its_filters_in_the_url(world):
    _add_sites(world, 30)
    first = world.client.get("/o/acme/site_select/").get_data(as_text=True)
    assert _names(first)[:2] == ["Site 00", "Site 01"] and len(_names(first)) == 25
    assert 'aria-sort="ascending"' in first and "1–25 of 30 sites" in first
    by_city = world.client.get("/o/acme/site_select/?sort=-city&country=DE").get_data(as_text=True)
    assert _names(by_city)[0] == "Site 01" and all(int(n[-2:]) % 2 for n in _names(by_city))  # DE only
    assert 'aria-sort="descending"' in by_city
    second = world.client.get("/o/acme/site_select/?page=2").get_data(as_text=True)
    assert _names(second) == [f"Site {i}" for i in range(25, 30)]
    assert "sort=name" in second and 'rel="prev"' in second
    assert world.client.get("/o/acme/site_select/?page=99&sort=bogus").status_code == 200  # clamped, default sort


def test_an_empty_site_master_offers_a_template_and_sample_sites(world):
    page = world.client.get("/o/acme/site_select/").get_data(as_text=True)
    assert "Download an import template" in page and "sample sites" in page

    loaded = submit_form(world.client, "/o/acme/site_select/", {}, action="/o/acme/site_select/imports/sample")
    assert job_of(world.client, loaded)["status"] == "succeeded"
    assert sites(world)["total"] > 100
    assert "Download an import template" not in world.client.get("/o/acme/site_select/").get_data(as_text=True)

    template = world.client.get("/o/acme/site_select/imports/template.zip")
    assert template.status_code == 200 and template.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(template.data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert set(files) >= {"studies.txt", "facilities.txt", "conditions.txt"}
    assert batch_id_of(world.client, upload(world.client, files))  # the template imports as it is
