"""``GET /api/v1/tools``: the public catalog, as the marketplace shows it."""
from __future__ import annotations

from dataclasses import asdict

from flask import current_app

from sdk.manifest import Manifest

from ..catalog.search import filter_tools
from .base import ApiBlueprint
from .schemas import CatalogQuerySchema, CatalogSchema

blp = ApiBlueprint("api-catalog", __name__, url_prefix="/api/v1", tag="Catalog",
                   description="The public catalog of tools.")


def catalog_entry(manifest: Manifest) -> dict:
    return {
        "key": manifest.key, "name": manifest.name, "summary": manifest.summary,
        "category": manifest.category, "version": manifest.version,
        "publisher": manifest.publisher, "api_level": manifest.api_level,
        "plans": [asdict(plan) for plan in manifest.plans],
        "permissions": [asdict(permission) for permission in manifest.permissions],
    }


@blp.route("/tools", methods=["GET"])
@blp.arguments(CatalogQuerySchema, location="query", as_kwargs=True)
@blp.response(200, CatalogSchema)
@blp.doc(security=[])
def list_catalog(category: str = "", q: str = ""):
    """List the tools in the catalog

    Every installed and available tool with its plans (prices in minor units) and the
    permissions it defines. Public: no token needed.
    """
    manifests = [record.manifest for record in current_app.extensions["trialoffice.registry"].available()]
    return {"tools": [catalog_entry(m) for m in filter_tools(manifests, q, category)]}
