"""The client's address and scheme as the reverse proxies in front of the app saw them.

``X-Forwarded-For`` is believed only for the number of proxies the operator declared in
``TRIALOFFICE_TRUSTED_PROXIES``: otherwise anyone could pick the address that sign-in throttling
counts under by sending the header themselves.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_proxy(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
