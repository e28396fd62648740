"""Trial Office host: tenancy, accounts, catalog, licensing, plugin runtime, admin, API, CLI."""
from .app import create_app

__all__ = ["create_app"]
