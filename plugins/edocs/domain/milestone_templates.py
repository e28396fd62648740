"""What each kind of milestone expects filed, and by when: data in code, on TMF Reference Model
v3.3.1 numbers (each checked against the shipped model by a test).

A milestone is dated (study start on 1 March, site 101's activation on 15 April); each artifact it
expects is due ``due_offset_days`` after that date (negative: before it). A site milestone's
artifacts are filed at its site; some apply only to sites of certain countries (Form FDA 1572 for
a US site, the Investigator Regulatory Agreement elsewhere).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExpectedArtifact:
    number: str
    #: days after the milestone's date it is due (negative: before)
    due_offset_days: int = 0
    #: ISO country codes of the sites it applies to (empty: every site)
    only_countries: tuple[str, ...] = ()
    #: ISO country codes of the sites it does not apply to
    except_countries: tuple[str, ...] = ()

    def applies_to(self, country: str | None) -> bool:
        country = (country or "").upper()
        if self.only_countries and country not in self.only_countries:
            return False
        return country not in self.except_countries


@dataclass(frozen=True)
class MilestoneTemplate:
    kind: str
    label: str
    #: "trial" (no site) or "site" (one milestone per site)
    level: str
    expects: tuple[ExpectedArtifact, ...]

    def expected_for(self, country: str | None = None) -> tuple[ExpectedArtifact, ...]:
        """The artifacts expected at a site of ``country`` (a trial milestone: all of them)."""
        return tuple(item for item in self.expects if self.level == "trial" or item.applies_to(country))


_E = ExpectedArtifact
TEMPLATES: dict[str, MilestoneTemplate] = {t.kind: t for t in (
    MilestoneTemplate("study_start", "Study start", "trial", (
        _E("02.01.02", -30),  # Protocol
        _E("02.01.01", -30),  # Investigator's Brochure
        _E("02.02.03", -14),  # Informed Consent Form
        _E("03.01.02", 0),  # Regulatory Authority Decision
        _E("01.01.08", 0),  # Monitoring Plan
    )),
    MilestoneTemplate("site_activation", "Site activation", "site", (
        _E("05.02.04", -14),  # Principal Investigator CV
        _E("05.02.05", -14),  # Sub-Investigator CVs
        _E("05.02.02", -7),  # Protocol Signature Page
        _E("04.01.02", 0),  # IRB or IEC Decision
        _E("05.02.08", -7, only_countries=("US",)),  # Form FDA 1572
        _E("05.02.09", -7, except_countries=("US",)),  # Investigator Regulatory Agreement
        _E("05.02.10", -7),  # Financial Disclosure Form
        _E("05.02.18", 0),  # Site Signature Sheet
        _E("05.02.12", -14),  # Clinical Trial Agreement
        _E("08.01.04", 0),  # Normal Ranges
    )),
    MilestoneTemplate("site_initiation", "Site initiation visit", "site", (
        _E("05.03.01", 14),  # Trial Initiation Monitoring Report, after the visit
    )),
    MilestoneTemplate("site_close", "Site close-out", "site", (
        _E("05.04.08", 30),  # Final Trial Close Out Monitoring Report
        _E("05.04.10", 0),  # Subject Identification Log
    )),
    MilestoneTemplate("study_close", "Study close", "trial", (
        _E("10.03.11", -30),  # Database Lock and Unlock Approval
        _E("06.03.03", 0),  # IP Treatment Decoding Documentation
        _E("02.03.01", 365),  # Clinical Study Report
    )),
)}
KIND_CHOICES = tuple((t.kind, t.label) for t in TEMPLATES.values())


def template(kind: str) -> MilestoneTemplate | None:
    return TEMPLATES.get(kind) if isinstance(kind, str) else None
