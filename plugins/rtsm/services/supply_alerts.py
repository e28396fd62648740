"""Telling supply managers about a shortage: a depot that cannot fill a shipment, a site with no
kit to dispense. The message names the site, the depot and counts, never an arm (site staff and
blinded managers may read it too)."""
from __future__ import annotations

from flask import has_request_context, url_for
from werkzeug.routing import BuildError

from sdk import tool
from sdk.notifications import declare_kind

from ..models import Depot, Study, StudySite

SUPPLY_SHORT = declare_kind("rtsm.supply_short", "Kits are running short at a depot or a site",
                            "A shipment could not be filled, or a subject could not be given a kit.")


def _link(study: Study) -> str | None:
    if not has_request_context():
        return None
    try:
        return url_for("rtsm.supply_dashboard", study_id=study.id)
    except BuildError:  # an app without rtsm's pages still notifies
        return None


def depot_short(study: Study, site: StudySite, depot: Depot | None, wanted: int, found: int) -> int:
    where = f"depot {depot.code}" if depot is not None else "any depot"
    return tool().notifications.notify_holders(
        "manage_supply", study, kind=SUPPLY_SHORT.key,
        subject=f"{study.name}: {where} is short of kits for site {site.code}",
        body=f"Site {site.code} needs {wanted} kit(s); {where} had {found} that can be shipped. "
             "Add kits to the kit list or ship from another depot.",
        link=_link(study))


def site_short(study: Study, site: StudySite, subject: str) -> int:
    return tool().notifications.notify_holders(
        "manage_supply", study, kind=SUPPLY_SHORT.key,
        subject=f"{study.name}: no kit could be dispensed at site {site.code}",
        body=f"Subject {subject} at site {site.code} could not be given a kit: the site has no dispensable kit "
             "for this subject. Send the site a shipment.",
        link=_link(study))
