"""A received shipment's record, filed into the study's trial master file (TMF Reference Model
06.01.04 IP Shipment Documentation, at the site) through the SDK's document service.

The record is a CSV of what arrived: shipment, site, dates and each kit's number, lot, expiry
and condition. It never names an arm: the TMF is read by blinded people. It goes to the study
owner's document tool (the binder is the sponsor's, whoever received); when no document tool
serves the sponsor, nothing is filed and nothing else changes.
"""
from __future__ import annotations

import csv
import io

from sdk import org_scope, tool
from sdk.documents import DocumentFilingError

from ..models import Kit, Shipment

ARTIFACT = "06.01.04"


def receipt_csv(shipment: Shipment, kits: list[Kit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["shipment", "site", "shipped_at", "received_at", "kit", "lot", "expiry", "condition"])
    for kit in sorted(kits, key=lambda k: k.number):
        condition = "received" if kit.status == "available" else kit.status
        writer.writerow([shipment.number, shipment.site.code, _stamp(shipment.shipped_at),
                         _stamp(shipment.received_at), kit.number, kit.lot, kit.expiry.isoformat(), condition])
    return out.getvalue().encode("utf-8")


def file_receipt(shipment: Shipment, kits: list[Kit]) -> str | None:
    """Hand the receipt to the sponsor's document tool; the event id, or None when none serves."""
    study = shipment.site.study
    try:
        with org_scope(study.org_id):
            return tool().documents.file(
                trial_ref=study.protocol or study.name, artifact=ARTIFACT, level="site", site_ref=shipment.site.code,
                filename=f"shipment-{shipment.number}-receipt.csv", data=receipt_csv(shipment, kits),
                title=f"IP shipment {shipment.number} receipt, site {shipment.site.code}",
                document_date=shipment.received_at.date() if shipment.received_at else None)
    except DocumentFilingError:  # a study without a protocol number that fits: nothing to file by
        return None


def _stamp(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""
