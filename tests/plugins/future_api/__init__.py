"""A test tool built for SDK API level 99, which this host does not support: the admin console
must list it as unavailable with that reason while the host runs on."""
from sdk import Manifest, Plan

manifest = Manifest(
    key="future_api",
    name="Future API Tool",
    summary="Written against an SDK this host does not have yet.",
    category="analytics",
    version="2.0.0",
    publisher="Tomorrow Labs",
    api_level=99,
    plans=(Plan(code="basic", name="Basic", amount=900),),
)
