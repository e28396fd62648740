"""``trialoffice tools site_select ...``: write the generated demo dataset as AACT-layout files."""
from __future__ import annotations

from pathlib import Path

import click

from .services.demo import DEMO_SEED, DEMO_SITES, DEMO_TRIALS


@click.command("generate")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write studies.txt, facilities.txt, conditions.txt, ... into.")
@click.option("--sites", default=DEMO_SITES, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--trials", default=DEMO_TRIALS, show_default=True, type=click.IntRange(1, 20_000))
@click.option("--seed", default=DEMO_SEED, show_default=True, type=int)
def generate(out_dir: Path, sites: int, trials: int, seed: int) -> None:
    """Write a deterministic synthetic dataset in AACT's pipe-delimited layout (no network)."""
    from .domain import generate_aact

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in generate_aact(seed, sites, trials).items():
        (out_dir / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_dir / name}")


def commands() -> list[click.Command]:
    return [generate]
