"""The demo data hook and the CLI command that writes the generated AACT-layout files."""
from __future__ import annotations

from click.testing import CliRunner

from sdk.testing import post_with_token

from .. import demo_data
from ..cli import generate
from ..services.overview import counts
from .seeds import RANK_SPEC


def test_demo_data_loads_a_deterministic_dataset_that_ranks(world):
    world.run(world.acme, demo_data, world.acme, world.owner)
    numbers = world.run(world.acme, counts)
    assert numbers["sites"] > 1000 and numbers["history"] > 3000
    presets = world.client.get("/api/v1/o/acme/site_select/presets").get_json()["presets"]
    assert {p["name"] for p in presets} >= {"Balanced (default)", "Fast start-up"}
    ranked = post_with_token(world.client, "/api/v1/o/acme/site_select/rank",
                             json={**RANK_SPEC, "condition": "", "phase": "", "limit": 20}).get_json()
    assert len(ranked["results"]) == 20 and ranked["eligible"] > 20
    assert ranked["results"][0]["score"] > ranked["results"][-1]["score"]
    assert world.run(world.other, counts)["sites"] == 0


def test_cli_generate_writes_aact_files(tmp_path):
    result = CliRunner().invoke(generate, ["--out", str(tmp_path), "--sites", "40", "--trials", "5"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert {"studies.txt", "facilities.txt", "conditions.txt"} <= set(written)
    assert (tmp_path / "studies.txt").read_text().splitlines()[0].startswith("nct_id|")
    again = tmp_path / "again"
    CliRunner().invoke(generate, ["--out", str(again), "--sites", "40", "--trials", "5"])
    assert (again / "facilities.txt").read_text() == (tmp_path / "facilities.txt").read_text()
