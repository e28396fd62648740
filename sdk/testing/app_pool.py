"""Apps built once and lent to test after test: building one costs more than most tests.

An app goes back to the pool only as it came out: its configuration, ``wsgi_app`` and
extensions are restored after each test, and an app whose routes, hooks or blueprints a test
changed is dropped. The host's :meth:`~sdk.testing.TestingSupport.recycle` then clears what it
cached from the last test's data and refuses (so a new app is built) when the plugins it would
discover now differ, e.g. under a test's fake entry points. The key holds everything an app is
built from: its settings, the extra plugin modules and the environment, which the host reads.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass

from .support import EXTENSION_KEY

FRESH_APPS_ENV = "TRIALOFFICE_TEST_FRESH_APPS"  # "1": build a new app every time (to rule the pool out)
INSTANCE_ENV = "TRIALOFFICE_INSTANCE_PATH"
MAX_IDLE_APPS = 48
_PER_TEST_ENV = (INSTANCE_ENV, "PYTEST_CURRENT_TEST")


def _setup_fingerprint(app) -> tuple:
    """What a test could add to an app after building it; a changed app is not lent again."""
    return (len(list(app.url_map.iter_rules())), len(app.view_functions), tuple(app.blueprints),
            *(sum(len(funcs) for funcs in registry.values()) for registry in (
                app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                app.url_value_preprocessors, app.url_default_functions, app.template_context_processors)),
            # nested defaultdicts that a lookup fills with empty entries: count the handlers only
            sum(len(handlers) for codes in app.error_handler_spec.values() for handlers in codes.values()),
            len(app.teardown_appcontext_funcs), len(app.jinja_env.globals), len(app.jinja_env.filters))


@dataclass
class _Lent:
    app: object
    key: tuple
    config: dict
    wsgi_app: object
    extensions: dict
    fingerprint: tuple


class AppPool:
    def __init__(self):
        self._idle: OrderedDict[tuple, list[_Lent]] = OrderedDict()
        self._lent: dict[int, _Lent] = {}

    @staticmethod
    def key(settings: dict, extra_plugins: list) -> tuple:
        environment = tuple(sorted((k, v) for k, v in os.environ.items() if k not in _PER_TEST_ENV))
        return (repr(sorted(settings.items())), tuple(id(p) for p in extra_plugins), environment)

    def take(self, key: tuple, extra_plugins: list):
        """An idle app for ``key`` made ready for this test, or None."""
        if os.environ.get(FRESH_APPS_ENV) == "1":
            return None
        waiting = self._idle.get(key) or []
        while waiting:
            lent = waiting.pop()
            app = lent.app
            app.instance_path = os.environ.get(INSTANCE_ENV) or app.instance_path
            app._got_first_request = False  # as new: a test may still add to it before its first request
            if app.extensions[EXTENSION_KEY].recycle(extra_plugins):
                self._lent[id(app)] = lent
                return app
        return None

    def track(self, app, key: tuple) -> None:
        """Remember a newly built app as it is now, to lend it again after this test."""
        self._lent[id(app)] = _Lent(app, key, dict(app.config), app.wsgi_app, dict(app.extensions),
                                    _setup_fingerprint(app))

    def give_back(self, app) -> None:
        """After the test (its database connections closed): restore the app and keep it idle."""
        lent = self._lent.pop(id(app), None)
        if lent is None or _setup_fingerprint(app) != lent.fingerprint:
            return
        app.config.clear()
        app.config.update(lent.config)
        app.wsgi_app = lent.wsgi_app
        app.extensions.clear()
        app.extensions.update(lent.extensions)
        self._idle.setdefault(lent.key, []).append(lent)
        self._idle.move_to_end(lent.key)
        while sum(len(waiting) for waiting in self._idle.values()) > MAX_IDLE_APPS:
            self._idle.popitem(last=False)
