"""Benchmark: what the chart kit (sdk/charts.py, pygal) costs, alone and in a page.

Prints milliseconds per chart for each kind (one SVG drawing; ``narrow=True`` doubles it), the
PNG a PDF report embeds, then serves site_select's results page and a shortlist page of the demo data
set (1,500 sites) through the test client and prints each page's server time and the share of
it spent building its charts (the issue's budget: under a tenth), at a first view (charts drawn)
and shown again (charts from the kit's cache). Run from the repository root:
python bench/charts.py [--reps N]   (SQLite in a temporary folder; needs no numpy)
"""
from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import date, timedelta
from urllib.parse import urlencode

from host import create_app
from host.testing_support import HostTestingSupport
from plugins.site_select import charts as site_charts
from sdk import org_scope, tool
from sdk.charts import bar_chart, clear_cache, line_chart, time_chart
from sdk.tool import host_runs_tool

SPEC = {"therapeutic_area": "oncology", "target_enrollment": 300, "start_date": "2025-03-01",
        "target_lsi": "2027-06-30", "shortlist_size": 10}


def per_call_ms(fn, reps: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(reps):
        clear_cache()  # drawn every time: what a first view costs
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def chart_costs(reps: int) -> None:
    sites = [(f"University Hospital {i} of Somewhere", 0.4 + i * 0.13) for i in range(10)]
    curve = {"Expected": [(m, min(300.0, 2.5 * m * m)) for m in range(0, 37)]}
    dated = [(date(2015, 1, 1) + timedelta(days=200 * i), 0.1 + 0.02 * i) for i in range(12)]
    cases = [
        ("bar chart, 10 sites", lambda: bar_chart(sites, title="Rates", value_title="Per month")),
        ("bar chart, 25 sites", lambda: bar_chart(sites * 2 + sites[:5], title="Rates", value_title="Per month")),
        ("line chart, 37 months + target", lambda: line_chart(curve, title="Curve", x_title="Months",
                                                               y_title="Subjects", reference=("Target", 300))),
        ("time chart, 12 trials", lambda: time_chart(dated, title="Screen failures", value_format="{:.0%}")),
    ]
    print("chart (one SVG drawing)              ms per chart (median)")
    for label, fn in cases:
        print(f"  {label:<34} {per_call_ms(fn, reps):8.2f}")
    chart = line_chart(curve, title="Curve", x_title="Months", y_title="Subjects", reference=("Target", 300))
    print(f"  {'PNG of a line chart for a PDF':<34} {per_call_ms(lambda: chart.png(), max(3, reps // 5)):8.2f}")


def build_app(folder: str):
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                      "STORAGE_DIR": folder, "LOAD_PLUGINS": ["site_select"]})
    support = HostTestingSupport(app)
    support.migrate()
    support.reset()
    owner = support.create_user("owner@bench.example.org")
    org = support.create_org("bench", owner=owner)
    support.grant_license(org, "site_select", enable=True)
    from plugins.site_select.services.demo import load_demo_dataset

    with app.test_request_context(), org_scope(org.id), host_runs_tool("site_select"):
        load_demo_dataset("sponsor")
        tool().db_session().commit()
    client = app.test_client()
    support.login(client, owner)
    return app, client


def page_costs(reps: int) -> None:
    folder = tempfile.mkdtemp()
    started = time.perf_counter()
    app, client = build_app(folder)
    print(f"\ndemo data set loaded in {time.perf_counter() - started:.1f} s")
    spent = [0.0]
    original = site_charts.forecast_charts

    def timed_forecast_charts(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - began
    site_charts.forecast_charts = timed_forecast_charts

    results_url = f"/o/bench/site_select/rank/results?{urlencode(SPEC)}"
    page = client.get(results_url)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    ids = re.findall(r'name="site_ids" value="(\d+)"[^>]*checked', html)
    spec_json = re.search(r'<input[^>]*name="spec_json"[^>]*value="([^"]*)"', html).group(1).replace("&#34;", '"')
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    form = {"spec_json": spec_json, "name": "Bench", "site_ids": ids}
    if token:
        form["csrf_token"] = token.group(1)
    saved = client.post("/o/bench/site_select/shortlists", data=form)
    shortlist_url = saved.headers.get("Location")
    assert shortlist_url, saved.status_code
    print("page                                 server ms (median)   charts ms   charts' share")
    for label, url, cold in (("results (top 10 of 1,500), first view", results_url, True),
                             ("results, shown again", results_url, False),
                             ("shortlist (10 sites), first view", shortlist_url, True),
                             ("shortlist, shown again", shortlist_url, False)):
        totals, charts = [], []
        client.get(url)  # warm up
        for _ in range(reps):
            if cold:
                clear_cache()
            spent[0] = 0.0
            began = time.perf_counter()
            assert client.get(url).status_code == 200
            totals.append(time.perf_counter() - began)
            charts.append(spent[0])
        total, chart = statistics.median(totals) * 1000, statistics.median(charts) * 1000
        print(f"  {label:<38} {total:12.1f} {chart:11.1f} {chart / total:14.1%}")
    site_charts.forecast_charts = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    chart_costs(args.reps)
    page_costs(max(5, args.reps // 2))


if __name__ == "__main__":
    main()
