"""The binder tree: zones, sections and artifacts of the TMF Reference Model with the documents
the person sees counted by where their newest version stands.

One grouped query counts every artifact's documents (250 artifacts, never a query each) and one
lists the documents themselves; both go through the tenant wall, so a site organization counts
and lists its own site's documents only."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from sdk import tool

from ..models import Artifact, Document, Study, Version

#: the tree's filter and count buckets: a document counts where its newest version stands
BUCKETS = {"draft": ("draft", "rejected"), "qc": ("qc",), "approved": ("approved", "effective")}
BUCKET_LABELS = {"draft": "Draft", "qc": "In QC", "approved": "Approved"}


@dataclass
class Counts:
    filed: int = 0
    draft: int = 0
    qc: int = 0
    approved: int = 0

    def add(self, other: "Counts") -> None:
        self.filed += other.filed
        self.draft += other.draft
        self.qc += other.qc
        self.approved += other.approved


@dataclass
class ArtifactNode:
    artifact: Artifact
    counts: Counts
    documents: list = field(default_factory=list)


@dataclass
class Branch:
    """A zone or a section: its number, name, children and the sum of their counts."""

    number: str
    name: str
    children: list = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


def _current_versions(study: Study, site_id: int | None, bucket: str | None):
    """(Document, its newest Version) of the study, filtered by site and status bucket."""
    query = (select(Document, Version)
             .join(Version, and_(Version.document_id == Document.id, Version.number == Document.current_version))
             .where(Document.study_id == study.id))
    if site_id is not None:
        query = query.where(Document.site_id == site_id)
    if bucket in BUCKETS:
        query = query.where(Version.status.in_(BUCKETS[bucket]))
    return query


def _counts(study: Study, site_id: int | None, bucket: str | None) -> dict[int, Counts]:
    base = _current_versions(study, site_id, bucket).subquery()
    rows = tool().db_session().execute(
        select(base.c.artifact_id, base.c.status, func.count()).group_by(base.c.artifact_id, base.c.status))
    found: dict[int, Counts] = defaultdict(Counts)
    for artifact_id, status, count in rows:
        counts = found[artifact_id]
        counts.filed += count
        for key, statuses in BUCKETS.items():
            if status in statuses:
                setattr(counts, key, getattr(counts, key) + count)
    return found


def binder_tree(study: Study, *, site_id: int | None = None, bucket: str | None = None,
                artifacts: list[Artifact]) -> list[Branch]:
    """Zones, each with its sections, each with its artifacts (counts and documents)."""
    counts = _counts(study, site_id, bucket)
    documents: dict[int, list] = defaultdict(list)
    for document, version in tool().db_session().execute(
            _current_versions(study, site_id, bucket).order_by(Document.title, Document.id)):
        documents[document.artifact_id].append((document, version))
    zones: dict[str, Branch] = {}
    sections: dict[str, Branch] = {}
    for artifact in artifacts:
        zone = zones.setdefault(artifact.zone, Branch(artifact.zone, artifact.zone_name))
        section = sections.get(artifact.section)
        if section is None:
            section = sections[artifact.section] = Branch(artifact.section, artifact.section_name)
            zone.children.append(section)
        node = ArtifactNode(artifact, counts.get(artifact.id, Counts()), documents.get(artifact.id, []))
        section.children.append(node)
        section.counts.add(node.counts)
        zone.counts.add(node.counts)
    return list(zones.values())


def status_totals(tree: list[Branch]) -> Counter:
    totals: Counter = Counter()
    for zone in tree:
        totals.update({"filed": zone.counts.filed, "draft": zone.counts.draft, "qc": zone.counts.qc,
                       "approved": zone.counts.approved})
    return totals
