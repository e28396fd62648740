"""The first-party tools still being built, for the start page's "Coming" list.

A tool leaves the list by itself once an installation runs it (its key is then available)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ComingTool:
    key: str
    name: str
    summary: str


COMING = (
    ComingTool("edc", "Electronic data capture", "Case report forms from CDISC ODM or a REDCap data dictionary, "
               "edit checks, queries, source data verification, casebook signatures and ODM export."),
    ComingTool("rtsm", "Randomization and trial supply", "Block, stratified and minimization schemes, "
               "blinded kit dispensing, emergency unblinding and site resupply."),
    ComingTool("edocs", "eTMF document management", "A binder on the TMF Reference Model with versions, "
               "QC and approval signatures, completeness dashboards and TMF exchange."),
    ComingTool("pmcp", "Project collaboration", "Milestones, deliverables and hand-offs between the "
               "sponsor, its CRO and the sites."),
)


def coming_tools(available_keys: set[str]) -> list[ComingTool]:
    return [tool for tool in COMING if tool.key not in available_keys]
