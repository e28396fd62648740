"""ISO 3166-1 countries: alpha-2 codes and the names registries use for them.

The table in ``data/countries.csv`` was exported once from pycountry (26.2.16), so the
tool needs no extra dependency and no network. ClinicalTrials.gov/AACT spell countries as
names ("United States", "Korea, Republic of"); :func:`country_code` maps such names, the
usual short forms and the codes themselves to the alpha-2 code.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache
from importlib import resources

EXTRA_ALIASES: dict[str, str] = {
    "usa": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "russia": "RU",
    "turkey": "TR",
    "korea, south": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "taiwan": "TW",
    "czech republic": "CZ",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "moldova": "MD",
    "republic of moldova": "MD",
    "macedonia": "MK",
    "former serbia and montenegro": "RS",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "hong kong": "HK",
    "macau": "MO",
    "palestinian territory, occupied": "PS",
    "congo, the democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "swaziland": "SZ",
    "burma": "MM",
}


def _fold(text: str) -> str:
    """Lower-case, strip accents and surrounding space, so "Türkiye" matches "turkiye"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    lookup: dict[str, str] = {}
    source = resources.files(__package__).joinpath("data/countries.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["alpha_2"]
            names[code] = row["name"]
            spellings = [code, row["alpha_3"], row["name"], *filter(None, row["other_names"].split(";"))]
            for spelling in spellings:
                lookup[_fold(spelling)] = code
    for alias, code in EXTRA_ALIASES.items():
        lookup.setdefault(_fold(alias), code)
    return names, lookup


def is_country_code(code: str) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code (upper case)."""
    return code in _tables()[0]


def country_name(code: str) -> str:
    """The ISO short name of an alpha-2 code; raises ValueError for an unknown code."""
    try:
        return _tables()[0][code]
    except KeyError:
        raise ValueError(f"unknown country code {code!r} (expected ISO 3166-1 alpha-2, e.g. 'US')") from None


def country_code(name_or_code: str) -> str | None:
    """The alpha-2 code for a country name, alpha-2 or alpha-3 code; None when unknown."""
    return _tables()[1].get(_fold(name_or_code))


def all_country_codes() -> tuple[str, ...]:
    return tuple(sorted(_tables()[0]))
