"""The supply API's bodies (marshmallow): shapes only; the rules (arms, depots, windows, states)
are the services', so the API and the pages say the same words."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..models import KIT_STATES, SHIPMENT_STATES


class Strict(Schema):
    class Meta:
        unknown = RAISE


class KitIn(Strict):
    kit = fields.String(required=True, metadata={"description": "The kit number (unique in the study)"})
    arm = fields.String(required=True, metadata={"description": "One of the study's arm codes"})
    lot = fields.String(required=True)
    expiry = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    depot = fields.String(metadata={"description": "The depot's code (default: the study's first depot)"})


class KitsIn(Strict):
    kits = fields.List(fields.Nested(KitIn), required=True, validate=validate.Length(min=1, max=20000))


class KitOut(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    lot = fields.String(required=True)
    expiry = fields.Date(required=True)
    status = fields.String(required=True, metadata={"enum": list(KIT_STATES)})
    status_label = fields.String(required=True)
    depot = fields.String(allow_none=True)
    site = fields.String(allow_none=True)
    dispensed_at = fields.DateTime(allow_none=True)
    arm = fields.String(metadata={"description": "The kit's arm: for unblinded callers only"})


class KitList(Schema):
    kits = fields.List(fields.Nested(KitOut), required=True)
    total = fields.Integer(required=True)


class KitQuery(Schema):
    status = fields.String(validate=validate.OneOf(list(KIT_STATES)))
    site = fields.String(metadata={"description": "A site code"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class ShipmentIn(Strict):
    site = fields.String(required=True, metadata={"description": "The site's code"})
    quantity = fields.Integer(metadata={"description": "How many kits (chosen by the rules); or send `kits`"})
    kits = fields.List(fields.String(), metadata={"description": "The kit numbers to ship"})


class ReceiveIn(Strict):
    kits = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.OneOf(
        ["received", "damaged", "missing"])), load_default=dict,
        metadata={"description": 'Each kit\'s condition, e.g. {"K0001": "damaged"}; kits left out arrived '
                                 "in good condition"})


class NoBody(Strict):
    pass


class ShipmentKit(Schema):
    number = fields.String(required=True)
    status = fields.String(required=True)
    expiry = fields.Date(required=True)
    arm = fields.String(metadata={"description": "For unblinded callers only"})


class ShipmentOut(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(SHIPMENT_STATES)})
    kind = fields.String(required=True, metadata={"description": "initial, resupply or manual"})
    site = fields.String(required=True)
    depot = fields.String(required=True)
    shipped_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    kits = fields.List(fields.Nested(ShipmentKit), required=True,
                       metadata={"description": "The kits the caller may see (a site sees them once shipped)"})


class ShipmentList(Schema):
    shipments = fields.List(fields.Nested(ShipmentOut), required=True)


class SiteResupply(Schema):
    site = fields.String(required=True)
    stock = fields.Integer(required=True)
    in_transit = fields.Integer(required=True)
    min_stock = fields.Integer(required=True)
    max_stock = fields.Integer(required=True)
    action = fields.String(required=True)
    shipment = fields.String(allow_none=True)
    requested = fields.Integer(required=True)
    short = fields.Boolean(required=True)


class ResupplyOut(Schema):
    sites = fields.List(fields.Nested(SiteResupply), required=True)


class DispenseOut(Schema):
    subject = fields.String(required=True)
    kit = fields.String(required=True, metadata={"description": "The kit number"})
    arm = fields.String(metadata={"description": "For unblinded callers only"})


class SiteStockOut(Schema):
    site = fields.String(required=True)
    active = fields.Boolean(required=True)
    usable = fields.Integer(required=True)
    in_transit = fields.Integer(required=True)
    on_hand = fields.Integer(required=True, metadata={"description": "The ledger's stock on hand"})
    min_stock = fields.Integer(required=True)
    max_stock = fields.Integer(required=True)
    below_trigger = fields.Boolean(required=True)


class DepotStockOut(Schema):
    depot = fields.String(required=True)
    name = fields.String(required=True)
    on_hand = fields.Integer(required=True)
    unreserved = fields.Integer(required=True)


class StockOut(Schema):
    sites = fields.List(fields.Nested(SiteStockOut), required=True)
    depots = fields.List(fields.Nested(DepotStockOut),
                         metadata={"description": "The study owner's organization only"})
