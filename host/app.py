"""The app factory: configuration, database, plugin runtime, services, pages and API."""
from __future__ import annotations

import logging
import os

from flask import Flask, g

from .after_commit import install_after_commit
from .api import init_api
from .auth import init_auth
from .compliance import init_compliance
from .config import load_config
from .db import Database
from .errors import init_errors
from .events import init_events
from .jobs import init_jobs
from .json_provider import BoundedJSONProvider
from .notifications import init_notifications
from .proxy import init_proxy
from .request_limits import init_request_limits
from .runtime.gating import mount_tools
from .runtime.registry import PluginRegistry
from .runtime.toolstate import ToolStateCache, install_version_bump
from .security_headers import init_security_headers
from .services import install_services
from .sharing.coverage import install_coverage_guard
from .templating import init_templating
from .text_guard import init_text_guard
from .url_converters import init_url_converters
from .words import init_words

log = logging.getLogger(__name__)


def create_app(config: dict | None = None, extra_plugins: list | None = None) -> Flask:
    """Build the app. ``config`` overrides the environment; ``extra_plugins`` are plugin
    modules registered as if found through entry points (the test suite's tools)."""
    app = Flask("host", instance_path=os.environ.get("TRIALOFFICE_INSTANCE_PATH") or None)
    app.json = BoundedJSONProvider(app)
    init_url_converters(app)  # before any rule is added: tool blueprints get it too
    app.config.update(load_config(app.instance_path, config))
    init_proxy(app)
    init_security_headers(app)
    init_request_limits(app)
    init_text_guard(app)

    database = Database(app.config["DATABASE_URL"])
    install_version_bump(database.session.session_factory)
    install_coverage_guard(database.session.session_factory)
    install_after_commit(database.session.session_factory)
    init_compliance(app, database.session.session_factory)
    database.init_app(app)

    registry = PluginRegistry.discover(only=app.config["LOAD_PLUGINS"], extra=extra_plugins)
    app.extensions.update({
        "trialoffice.registry": registry,
        "trialoffice.tool_states": ToolStateCache(),
        "trialoffice.tool_blueprints": {},
    })
    install_services(app)
    init_notifications(app)
    init_events(app)
    init_jobs(app)  # after init_events: in worker mode it replaces the outbox waker
    init_auth(app)
    init_errors(app)
    init_templating(app)
    init_words(app)
    _init_org_urls(app)
    _register_host_blueprints(app)
    mount_tools(app, registry)
    init_api(app)  # after the tools, so that their APIs are in the OpenAPI document
    _install_testing_support(app)
    return app


def _init_org_urls(app: Flask) -> None:
    """``<org>`` in any URL is taken off the view's arguments into ``g.org_slug`` and put back
    by ``url_for`` from the current request, so tool views never handle it."""

    @app.url_value_preprocessor
    def pull_org(endpoint, values):
        if values and "org" in values:
            g.org_slug = values.pop("org")

    @app.url_defaults
    def add_org(endpoint, values):
        if "org" not in values and g.get("org_slug") and app.url_map.is_endpoint_expecting(endpoint, "org"):
            values["org"] = g.org_slug


def _register_host_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .billing.views import bp as billing_bp
    from .billing.webhooks import bp as billing_webhooks_bp
    from .catalog.views import bp as catalog_bp
    from .compliance.signing import bp as signatures_bp
    from .compliance.views import bp as audit_bp
    from .health import bp as health_bp
    from .home.views import bp as home_bp
    from .members.views import bp as members_bp
    from .notifications.views import bp as notifications_bp
    from .sharing.views import bp as sharing_bp
    from .tokens.views import bp as tokens_bp

    for bp in (health_bp, auth_bp, accounts_bp, catalog_bp, home_bp, members_bp, tokens_bp, admin_bp, audit_bp,
               billing_bp, billing_webhooks_bp, notifications_bp, sharing_bp, signatures_bp):
        app.register_blueprint(bp)


def _install_testing_support(app: Flask) -> None:
    from .testing_support import HostTestingSupport

    app.extensions["trialoffice.testing"] = HostTestingSupport(app)
