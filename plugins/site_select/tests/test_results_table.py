"""Ranked results on the kit's table: the posted form lands on a GET URL that can be bookmarked
and reloaded, and the table sorts without losing the spec, the weights or the ticked sites."""
from __future__ import annotations

import re

from .pages import rank_on_page
from .seeds import RANK_SPEC, seed_cardiology


def _names(html: str) -> list[str]:
    return re.findall(r'/sites/\d+">([^<]+)</a><br>', html)


def test_results_have_a_bookmarkable_url_and_sort_by_any_column(world):
    world.run(world.acme, seed_cardiology)
    posted = rank_on_page(world.client, RANK_SPEC)
    assert posted.history and posted.history[0].status_code == 303
    url = posted.history[0].headers["Location"]
    assert "therapeutic_area=cardiology" in url and "weight_startup=" in url and "csrf" not in url
    reloaded = world.client.get(url).get_data(as_text=True)
    by_rank = _names(reloaded)
    assert by_rank == _names(posted.get_data(as_text=True)) and len(by_rank) >= 3
    by_name = world.client.get(url + "&sort=site").get_data(as_text=True)
    assert _names(by_name) == sorted(by_rank, key=str.lower)
    assert 'aria-sort="ascending"' in by_name and "Heart Failure" in by_name  # the spec is kept
    ticked = re.findall(r'name="site_ids" value="(\d+)"[^>]*checked', by_name)
    assert sorted(ticked) == sorted(re.findall(r'name="site_ids" value="(\d+)"[^>]*checked', reloaded))
