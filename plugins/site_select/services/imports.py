"""Importing AACT-layout files into the site master and trial history.

The domain parses the files and rejects bad rows with their reasons. Here the accepted
facilities are de-duplicated against each other and against the sites already stored (same
normalized name and location, fuzzy), new sites and history rows are written in bulk, and one
audited :class:`ImportBatch` records the counts, every rejected row and the SHA-256 of each
uploaded file (kept in the organization's storage). All of it is one transaction: a failure
leaves nothing behind. An upload runs it as a background job (:mod:`.import_job`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from sqlalchemy import insert, select

from sdk import tool
from sdk.jobs import Progress

from ..domain import AACT_FILES, find_duplicates, normalize_facility_name, parse_aact
from ..domain import Site as DomainSite
from ..models import ImportBatch, Site, TrialHistory
from .errors import SiteSelectError
from .loading import load_sites

IMPORT_STEPS = 5
MAX_FILE_BYTES = 50 * 1024 * 1024
UPLOAD_LIMIT = len(AACT_FILES) * MAX_FILE_BYTES + 64 * 1024
"""Bytes one import request may carry: every AACT file at its largest, plus the form around them."""


def read_uploads(uploads: Iterable) -> dict[str, bytes]:
    """The uploaded files (werkzeug ``FileStorage``) by their base name, each read no further than
    one byte past :data:`MAX_FILE_BYTES`, which is enough for :func:`decode_uploads` to refuse it."""
    files = {}
    for upload in uploads:
        if upload and upload.filename:
            files[upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]] = upload.read(MAX_FILE_BYTES + 1)
    return files


def decode_uploads(files: Mapping[str, bytes]) -> dict[str, str]:
    """UTF-8 text of each known AACT file; refuses unknown names, empty or undecodable files (every
    problem at once, under the upload's field ``files``)."""
    problems, texts = [], {}
    for name, data in files.items():
        if name not in AACT_FILES:
            problems.append(("files", f"{name}: not an AACT file this import reads ({', '.join(AACT_FILES)})"))
        elif len(data) > MAX_FILE_BYTES:
            problems.append(("files", f"{name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"))
        else:
            try:
                texts[name] = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                problems.append(("files", f"{name}: not UTF-8 text"))
    if not files:
        problems.append(("files", "choose the AACT files to import (studies, facilities, conditions)"))
    if problems:
        raise SiteSelectError.of(problems)
    return texts


def _site_key(site: DomainSite) -> tuple[str, str, str]:
    return (normalize_facility_name(site.name) or site.name.lower(), site.country, site.city or "")


def _resolve_sites(incoming: list[DomainSite]) -> tuple[dict[int, int], list[DomainSite], int]:
    """Map each imported site id to a stored site id, or to a new site (negative id) to insert.

    An exact match of normalized name and location wins; otherwise the fuzzy duplicate group's
    stored site, or its first imported member. New sites carry the areas and conditions of all
    their merged members; stored sites gain those they lack. Returns the mapping, the new sites
    and how many imported facilities were merged into another one.
    """
    stored = load_sites(countries=sorted({s.country for s in incoming}))
    stored_by_key = {_site_key(s): s.site_id for s in stored}
    provisional = [replace(s, site_id=-(n + 1)) for n, s in enumerate(incoming)]
    group_target: dict[int, int] = {}
    for group in find_duplicates([*stored, *provisional]):
        existing = [s.site_id for s in group if s.site_id > 0]
        target = min(existing) if existing else max(s.site_id for s in group)
        group_target.update({s.site_id: target for s in group if s.site_id < 0})
    resolved: dict[int, int] = {}
    new_by_key: dict[tuple[str, str, str], int] = {}
    new_sites: list[DomainSite] = []
    for site in provisional:
        key = _site_key(site)
        target = stored_by_key.get(key) or new_by_key.get(key)
        if target is None:
            fuzzy = group_target.get(site.site_id, site.site_id)
            target = resolved.get(fuzzy, fuzzy)
        if target == site.site_id:
            new_by_key[key] = target
            new_sites.append(site)
        resolved[site.site_id] = target
    mapping = {original.site_id: resolved[site.site_id] for original, site in zip(incoming, provisional)}
    members: dict[int, list[DomainSite]] = {}
    for site in provisional:
        members.setdefault(resolved[site.site_id], []).append(site)
    new_sites = [replace(site, therapeutic_areas=_union(m.therapeutic_areas for m in members[site.site_id]),
                         conditions=_union(m.conditions for m in members[site.site_id])) for site in new_sites]
    _extend_stored_sites({target: group for target, group in members.items() if target > 0})
    return mapping, new_sites, len(provisional) - len(new_sites)


def _union(lists) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for items in lists for item in items))


def _extend_stored_sites(members: dict[int, list[DomainSite]]) -> None:
    """Add the areas and conditions an import knows and a stored site lacks (audited changes)."""
    if not members:
        return
    for site in tool().db_session().scalars(select(Site).where(Site.id.in_(list(members)))):
        areas = list(_union([site.therapeutic_areas or [], *(m.therapeutic_areas for m in members[site.id])]))
        conditions = list(_union([site.conditions or [], *(m.conditions for m in members[site.id])]))
        if areas != list(site.therapeutic_areas or []):
            site.therapeutic_areas = areas
        if conditions != list(site.conditions or []):
            site.conditions = conditions


def _insert_sites(new_sites: list[DomainSite], batch_id: int, org_id: int, now) -> dict[int, int]:
    if not new_sites:
        return {}
    rows = [{"org_id": org_id, "name": s.name[:300], "normalized_name": _site_key(s)[0][:300],
             "country": s.country, "city": (s.city or "")[:120], "lat": s.latitude, "lon": s.longitude,
             "therapeutic_areas": list(s.therapeutic_areas), "conditions": list(s.conditions),
             "network": s.network, "investigators": [s.investigator] if s.investigator else [],
             "import_batch_id": batch_id, "created_at": now, "updated_at": now} for s in new_sites]
    table = Site.__table__
    ids = tool().db_session().execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    return {site.site_id: new_id for site, new_id in zip(new_sites, ids)}


def _history_rows(parsed, mapping: dict[int, int]) -> tuple[list[dict], int]:
    """History rows to insert (``site_id`` negative for a site not inserted yet) and how many
    imported rows were skipped because the site already has that trial."""
    session = tool().db_session()
    stored_ids = [i for i in set(mapping.values()) if i > 0]
    seen = {(site_id, trial_ref) for site_id, trial_ref in session.execute(
        select(TrialHistory.site_id, TrialHistory.trial_ref).where(TrialHistory.site_id.in_(stored_ids)))}
    rows, skipped = [], 0
    for h in parsed.history:
        site_id = mapping.get(h.site_id)
        if site_id is None or (site_id, h.trial_ref) in seen:
            skipped += 1
            continue
        seen.add((site_id, h.trial_ref))
        rows.append({"site_id": site_id, "trial_ref": h.trial_ref[:64], "trial_title": "",
                     "phase": h.phase or "", "condition": (h.condition or "")[:200],
                     "therapeutic_area": (h.therapeutic_area or "")[:100], "selected_on": h.selected_on,
                     "activated_on": h.activated_on, "first_subject_in": h.first_subject_in,
                     "last_subject_in": h.last_subject_in, "started_on": h.started_on,
                     "screened": h.screened, "enrolled": h.enrolled, "target": h.target,
                     "queries_per_100": h.queries_per_100, "deviations": h.deviations,
                     "data_points": 0, "queries": 0, "source": "import"})
    return rows, skipped


def _no_progress(done: int, total: int | None = None, message: str = "") -> None:
    """Where nobody follows the import (the demo data, a test calling it directly)."""


def import_aact(files: Mapping[str, bytes], progress: Progress = _no_progress) -> ImportBatch:
    """Import uploaded AACT-layout files; returns the batch with its counts and rejected rows.

    ``progress`` hears of each of the :data:`IMPORT_STEPS` steps (the import job's bar)."""
    progress(0, IMPORT_STEPS, "Reading the files")
    texts = decode_uploads(files)
    progress(1, IMPORT_STEPS, "Checking every row")
    try:
        parsed = parse_aact(texts)
    except ValueError as exc:
        raise SiteSelectError(str(exc)) from exc
    progress(2, IMPORT_STEPS, f"Matching {len(parsed.sites)} facilities with the site master")
    mapping, new_sites, merged = _resolve_sites(list(parsed.sites))
    progress(3, IMPORT_STEPS, f"Comparing {len(parsed.history)} trial records with the stored history")
    rows, skipped = _history_rows(parsed, mapping)
    progress(4, IMPORT_STEPS, f"Saving {len(new_sites)} new sites and {len(rows)} trial records")
    session = tool().db_session()
    org_id = tool().current_org().id
    stored = {name: tool().storage.put(data) for name, data in sorted(files.items())}
    batch = ImportBatch(files=stored, sites_created=len(new_sites), sites_merged=merged,
                        history_created=len(rows), history_skipped=skipped,
                        rejected=[{"file": r.file, "line": r.line, "reason": r.reason} for r in parsed.rejected])
    session.add(batch)
    session.flush()
    new_ids = _insert_sites(new_sites, batch.id, org_id, batch.created_at)
    for row in rows:
        row.update(site_id=new_ids.get(row["site_id"], row["site_id"]), org_id=org_id,
                   import_batch_id=batch.id, created_at=batch.created_at, updated_at=batch.created_at)
    if rows:
        session.execute(insert(TrialHistory.__table__), rows)
    progress(IMPORT_STEPS, IMPORT_STEPS, "Saved")
    return batch


def list_batches(limit: int = 20) -> list[ImportBatch]:
    return list(tool().db_session().scalars(select(ImportBatch).order_by(ImportBatch.id.desc())
                                                .limit(limit)))


def get_batch(batch_id: int) -> ImportBatch | None:
    return tool().db_session().get(ImportBatch, batch_id)
