"""The billing pages' blueprint: the organization's billing page and the purchase flow."""
from flask import Blueprint, abort, current_app

from .quote import plan_offers

bp = Blueprint("billing", __name__)
bp.add_app_template_global(plan_offers, "plan_offers")


def manifest_or_404(key: str):
    manifest = current_app.extensions["trialoffice.registry"].manifest(key)
    if manifest is None:
        abort(404, "There is no such tool.")
    return manifest
