"""The kit's tables: sort and page choices from the query string, bad values falling back."""
from flask import Flask

from sdk.tables import Column, list_page, sort_choice

COLUMNS = (Column("name", "Name", lambda r: r["name"]), Column("score", "Score", lambda r: r["score"], numeric=True),
           Column("notes", "Notes"))
ROWS = [{"name": f"site {i:02d}", "score": (i * 7) % 10} for i in range(30)]


def _app():
    app = Flask(__name__)
    app.add_url_rule("/ranked", "ranked", lambda: "")
    return app


def test_sort_choice_takes_a_sortable_column_and_direction_or_the_default():
    assert [(c.key, d) for c, d in [sort_choice("-score", COLUMNS, "name")]] == [("score", True)]
    assert sort_choice("notes", COLUMNS, "-score")[0].key == "score"  # not sortable: the default
    assert sort_choice("<script>", COLUMNS, "name") == (COLUMNS[0], False)


def test_list_page_sorts_pages_and_builds_urls_that_keep_the_filters():
    with _app().test_request_context("/ranked?sort=-score&page=2&country=DE"):
        page = list_page(ROWS, COLUMNS, default_sort="name", per_page=10)
        assert (page.total, page.page, page.pages, page.first, page.last) == (30, 2, 3, 11, 20)
        assert [r["score"] for r in page.items] == sorted((r["score"] for r in ROWS), reverse=True)[10:20]
        assert page.url(page=3) == "/ranked?country=DE&sort=-score&page=3"
        assert page.sort_url(COLUMNS[1]) == "/ranked?country=DE&sort=score"  # toggles, back to page 1
        assert page.aria_sort(COLUMNS[1]) == "descending" and page.aria_sort(COLUMNS[0]) == "none"
    with _app().test_request_context("/ranked?page=99"):
        assert list_page(ROWS, COLUMNS, default_sort="name", per_page=10).page == 3  # clamped to the last
