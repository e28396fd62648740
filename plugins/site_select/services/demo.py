"""Demo data: a modest generated dataset in AACT's layout, imported like an upload, plus presets.

Deterministic (fixed seed) and small enough to load in seconds; no network. Organizations that
choose sites (sponsors, CROs, SMOs) get the full dataset, the others a small starter set.
"""
from __future__ import annotations

from ..domain import Weights, generate_aact
from .imports import import_aact
from .presets import save_preset

DEMO_SEED = 20240601
DEMO_SITES = 1500
DEMO_TRIALS = 150
STARTER_SITES, STARTER_TRIALS = 300, 30
FEASIBILITY_ORG_TYPES = ("sponsor", "cro", "smo")
DEMO_PRESETS = {
    "Balanced (default)": Weights(),
    "Fast start-up": Weights(enrollment=0.25, screen_failure=0.10, startup=0.40, zero_enroller=0.10,
                             data_quality=0.05, experience=0.10),
    "Proven enrollers": Weights(enrollment=0.50, screen_failure=0.15, startup=0.05, zero_enroller=0.15,
                                data_quality=0.05, experience=0.10),
}


def demo_files(seed: int = DEMO_SEED, sites: int = DEMO_SITES, trials: int = DEMO_TRIALS) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in generate_aact(seed, sites, trials).items()}


def load_demo_dataset(org_type: str = "sponsor") -> None:
    full = org_type in FEASIBILITY_ORG_TYPES
    import_aact(demo_files(sites=DEMO_SITES if full else STARTER_SITES,
                           trials=DEMO_TRIALS if full else STARTER_TRIALS))
    for name, weights in DEMO_PRESETS.items():
        save_preset(name, weights)
