"""Setting up a study: its arms, sites, depots and first randomization scheme; its settings;
sharing it with a CRO or a site organization.

Everything a user sends is checked at once (the scheme by ``domain.schemes.parse_scheme``) and
refused with every problem named (:class:`RtsmInputError`), nothing written. Creating, changing
and sharing are audited by the models (``@audited``) and the sharing service.
"""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool
from sdk.sharing import GrantInfo, ShareError

from ..domain.scheme_parsing import MAX_NAME
from ..domain.schemes import SchemeProblems, enrollment_problem, parse_scheme
from ..models import Arm, Depot, Study, StudySite
from . import schemes
from .errors import RtsmInputError

#: what a site organization may do for its own site; the whole-study roles go to a CRO
SITE_ROLES = ("site_staff", "investigator", "blinded")
STUDY_ROLES = ("blinded", "unblinded", "statistician", "supply_manager", "site_staff", "investigator")
DEFAULT_DEPOT = {"code": "D01", "name": "Central depot"}
MAX_TEXT = 200
MAX_SITE_CODE = 40
MAX_WINDOW_DAYS = 3650



def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _named_entries(raw, what: str, field: str, problems: RtsmInputError, *, limit: int) -> list[dict]:
    """Sites or depots given as codes ("S01") or as {"code", "name"}: cleaned, codes unique."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(field, f"{field} must be a list of {what} codes or of {{code, name}}.")
        return []
    cleaned, seen = [], set()
    for i, entry in enumerate(raw):
        code, name = (entry, "") if isinstance(entry, str) else (
            (entry.get("code"), entry.get("name") or "") if isinstance(entry, dict) else (None, ""))
        path = f"{field}[{i}]"
        if not isinstance(code, str) or not code.strip():
            problems.add(path, f"{what.capitalize()} {i + 1} needs a code.")
            continue
        code, name = code.strip(), str(name).strip()
        if len(code) > limit:
            problems.add(path, f"The {what} code {code!r} is longer than {limit} characters.")
        elif "|" in code:
            problems.add(path, f"The {what} code {code!r} may not contain |.")
        elif code in seen:
            problems.add(path, f"The {what} code {code!r} is listed twice.")
        if len(name) > MAX_TEXT:
            problems.add(path, f"Keep the name of {what} {code} to {MAX_TEXT} characters.")
        seen.add(code)
        cleaned.append({"code": code, "name": name})
    return cleaned


def _flag(data: dict, key: str, problems: RtsmInputError) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        problems.add(key, f"{key} must be true or false.")
        return False
    return value


def create_study(data: dict) -> Study:
    """A new study of the current organization with its arms, sites, depots (a default "D01
    Central depot" when none is given) and scheme version 1; flushed, not committed.

    ``data``: {"name", "protocol"?, "arms": [{"code", "name", "ratio"}], "sites": ["S01", ...] or
    [{"code", "name"}], "scheme": {...}, "randomize_on_enrollment"?, "depots"?}. Problems name
    their field: "name", "arms[1].ratio", "sites[0]", "scheme.block_sizes"...
    """
    problems = RtsmInputError()
    if not isinstance(data, dict):
        raise RtsmInputError([(None, "Send the study as an object with a name, arms, sites and a scheme.")])
    name, protocol = _text(data, "name"), _text(data, "protocol")
    if not name:
        problems.add("name", "Enter the study's name.")
    elif len(name) > MAX_TEXT:
        problems.add("name", f"Keep the name to {MAX_TEXT} characters.")
    elif tool().db_session().scalar(select(Study.id).where(Study.name == name,
                                                           Study.org_id == tool().current_org().id)):
        problems.add("name", f"Your organization has a study named {name!r} already.")
    if len(protocol) > MAX_TEXT:
        problems.add("protocol", f"Keep the protocol number to {MAX_TEXT} characters.")
    sites = _named_entries(data.get("sites"), "site", "sites", problems, limit=MAX_SITE_CODE)
    depots = _named_entries(data.get("depots"), "depot", "depots", problems, limit=MAX_SITE_CODE) or [DEFAULT_DEPOT]
    on_enrollment = _flag(data, "randomize_on_enrollment", problems)
    try:
        config = parse_scheme(data.get("arms"), [site["code"] for site in sites], data.get("scheme"))
    except SchemeProblems as refused:
        problems.items.extend(refused.problems)
        config = None
    if on_enrollment:
        if config is not None and enrollment_problem(config):
            problems.add("randomize_on_enrollment", enrollment_problem(config))
        if not protocol:
            problems.add("protocol", "Enter the protocol number: EDC's enrollments are matched to the study by it.")
    problems.raise_if_any()
    session = tool().db_session()
    study = Study(name=name, protocol=protocol, randomize_on_enrollment=on_enrollment)
    session.add(study)
    session.flush()
    for position, arm in enumerate(config.arms):
        session.add(Arm(study_id=study.id, code=arm.code, name=arm.name, ratio=arm.ratio, position=position))
    depot_rows = [Depot(study_id=study.id, code=d["code"], name=d["name"]) for d in depots]
    session.add_all(depot_rows)
    session.flush()
    for site in sites:
        session.add(StudySite(study_id=study.id, code=site["code"], name=site["name"], depot_id=depot_rows[0].id))
    session.flush()
    session.refresh(study)
    schemes.new_version(study, data["scheme"])
    return study


def add_site(study: Study, data: dict) -> StudySite:
    """A new site of the study, supplied by its first depot; flushed. Its strata (when the scheme
    stratifies by site) get their lists when its first subject is randomized."""
    problems = RtsmInputError()
    code, name = _text(data, "code"), _text(data, "name")
    if not code:
        problems.add("code", "Enter the site number, for example S03.")
    elif len(code) > min(MAX_SITE_CODE, MAX_NAME) or "|" in code:
        problems.add("code", f"A site number has at most {min(MAX_SITE_CODE, MAX_NAME)} characters and no |.")
    elif tool().db_session().scalar(select(StudySite.id).where(StudySite.study_id == study.id,
                                                               StudySite.code == code)):
        problems.add("code", f"The study has a site {code} already.")
    if len(name) > MAX_TEXT:
        problems.add("name", f"Keep the name to {MAX_TEXT} characters.")
    problems.raise_if_any()
    depot = tool().db_session().scalar(select(Depot).where(Depot.study_id == study.id).order_by(Depot.id).limit(1))
    site = StudySite(study_id=study.id, code=code, name=name, depot_id=depot.id if depot else None)
    tool().db_session().add(site)
    tool().db_session().flush()
    return site


SETTINGS = ("name", "protocol", "randomize_on_enrollment", "do_not_ship_days", "do_not_dispense_days")


def update_settings(study: Study, data: dict) -> Study:
    """Change the study's name, protocol, randomization on enrollment or expiry windows (only the
    keys given); every problem named, nothing changed on a refusal. Flushed."""
    problems = RtsmInputError()
    for key in data:
        if key not in SETTINGS:
            problems.add(key, f"{key} is not a setting of the study (settings: {', '.join(SETTINGS)}).")
    changes: dict = {}
    if "name" in data:
        name = _text(data, "name")
        if not name or len(name) > MAX_TEXT:
            problems.add("name", f"Enter the study's name (at most {MAX_TEXT} characters).")
        elif name != study.name and tool().db_session().scalar(
                select(Study.id).where(Study.name == name, Study.org_id == study.org_id)):
            problems.add("name", f"Your organization has a study named {name!r} already.")
        changes["name"] = name
    if "protocol" in data:
        changes["protocol"] = _text(data, "protocol")
        if len(changes["protocol"]) > MAX_TEXT:
            problems.add("protocol", f"Keep the protocol number to {MAX_TEXT} characters.")
    if "randomize_on_enrollment" in data:
        changes["randomize_on_enrollment"] = _flag(data, "randomize_on_enrollment", problems)
    for key in ("do_not_ship_days", "do_not_dispense_days"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WINDOW_DAYS:
                problems.add(key, f"{key} must be a whole number of days from 0 to {MAX_WINDOW_DAYS}.")
            changes[key] = value
    if changes.get("randomize_on_enrollment"):
        reason = enrollment_problem(schemes.config_of(schemes.current(study)))
        if reason:
            problems.add("randomize_on_enrollment", reason)
        if not changes.get("protocol", study.protocol):
            problems.add("protocol", "Enter the protocol number: EDC's enrollments are matched to the study by it.")
    problems.raise_if_any()
    for key, value in changes.items():
        setattr(study, key, value)
    tool().db_session().flush()
    return study


def share_study(study: Study, *, with_org: str, roles: list[str], site: StudySite | None = None) -> GrantInfo:
    """Invite an organization: a CRO to the whole study, a site organization to one site (it then
    sees and randomizes that site's subjects only). Pending until its admins accept."""
    problems = RtsmInputError()
    allowed = SITE_ROLES if site is not None else STUDY_ROLES
    if not roles:
        problems.add("roles", "Choose at least one role.")
    elif any(role not in allowed for role in roles):
        problems.add("roles", f"Choose among {', '.join(allowed)}"
                     + (" (a site organization works for its own site)." if site is not None else "."))
    problems.raise_if_any()
    try:
        return tool().sharing.share(study, with_org=with_org, roles=list(roles), site_id=site.id if site else None,
                                    site_label=str(site) if site else None, label=study.name)
    except ShareError as exc:
        raise RtsmInputError([("org", str(exc))]) from None


def owns(study: Study) -> bool:
    """Whether the study is the current organization's own (not one shared with it)."""
    org = tool().current_org()
    return org is not None and study.org_id == org.id


def may_manage(study: Study) -> bool:
    """Whether the acting person may change the study's set-up (sites, settings, scheme versions,
    sharing): its owner's study managers only; a grantee never rebuilds or re-shares it."""
    return owns(study) and tool().can("manage_study", study)


def arms_of(study: Study) -> list[Arm]:
    return list(tool().db_session().scalars(select(Arm).where(Arm.study_id == study.id).order_by(Arm.position)))


def depots_of(study: Study) -> list[Depot]:
    return list(tool().db_session().scalars(select(Depot).where(Depot.study_id == study.id).order_by(Depot.code)))
