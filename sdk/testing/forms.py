"""Submitting forms the way a browser does, CSRF token included.

The harness keeps CSRF protection on, so a test posts through the page that carries the form:
a form that lacks its token fails the tool's own tests instead of failing in production.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.datastructures import MultiDict

TOKEN_FIELD = "csrf_token"


@dataclass
class PageForm:
    """One ``<form>`` of a page: where it posts, how, and its CSRF token (None when it has none)."""

    action: str | None
    method: str
    in_main: bool
    token: str | None = None
    button_actions: list[str] = field(default_factory=list)  # ``formaction`` of its buttons


@dataclass
class _PageScan:
    forms: list[PageForm] = field(default_factory=list)
    meta_token: str | None = None


class _FormParser(HTMLParser):
    """Collects the forms of a page (and a ``<meta name="csrf-token">`` if one is there)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scan = _PageScan()
        self._form: PageForm | None = None
        self._main_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "main":
            self._main_depth += 1
        elif tag == "form":
            self._form = PageForm(action=attributes.get("action") or None,
                                  method=(attributes.get("method") or "get").lower(),
                                  in_main=self._main_depth > 0)
            self.scan.forms.append(self._form)
        elif tag == "input" and self._form is not None and attributes.get("name") == TOKEN_FIELD:
            if self._form.token is None:
                self._form.token = attributes.get("value", "")
        elif tag in ("button", "input") and self._form is not None and attributes.get("formaction"):
            self._form.button_actions.append(attributes["formaction"])
        elif tag == "meta" and attributes.get("name") == "csrf-token":
            self.scan.meta_token = attributes.get("content")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "main" and self._main_depth:
            self._main_depth -= 1
        elif tag == "form":
            self._form = None


def page_forms(html: str) -> list[PageForm]:
    """Every form of ``html``, in document order."""
    return _scan(html).forms


def _scan(html: str) -> _PageScan:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.scan


def _path_of(url: str) -> str:
    """``/a/b?x=1`` from ``http://localhost/a/b?x=1`` or ``/a/b?x=1``, so actions compare as paths."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _get_page(client, path: str, *, follow_redirects: bool = False):
    """The page's response; a page refusing input (400, 422) still carries its form."""
    response = client.get(path, follow_redirects=follow_redirects)
    assert not 300 <= response.status_code < 400, (
        f"GET {path} redirected ({response.status_code}) to {response.location}, not a page with a form")
    return response


def _referer(page) -> dict:
    """What a browser sends with a form: the page's address (Flask-WTF checks it over https)."""
    return {"Referer": page.request.url}


def _page_token(client, path: str):
    page = _get_page(client, path, follow_redirects=True)
    scan = _scan(page.get_data(as_text=True))
    token = next((form.token for form in scan.forms if form.token), None) or scan.meta_token
    if not token:
        raise AssertionError(f"no form with a CSRF token ({TOKEN_FIELD!r} hidden input) on {path} "
                             f"(it answered {page.status_code})")
    return token, page


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token of the first form on ``path`` (redirects followed), for the same client.

    The token belongs to the client's session, not to the form, so it also serves a request made
    without a form page: ``client.post(url, json=..., headers={"X-CSRFToken": csrf_token(client)})``.
    Any page with a form will do, an error page included (its header may carry the sign-out form).
    """
    return _page_token(client, path)[0]


def post_with_token(client, url: str, data=None, *, token_from: str = "/", **kwargs):
    """POST to ``url`` with the session's CSRF token taken from page ``token_from``.

    For requests no page offers a form for (a refused action, a forged id, a JSON call made with
    the session cookie); a form the user is shown is better posted with :func:`submit_form`.
    """
    token, page = _page_token(client, token_from)
    headers = {**_referer(page), **kwargs.pop("headers", {})}
    if "json" in kwargs:
        return client.post(url, headers={**headers, "X-CSRFToken": token}, **kwargs)
    payload = MultiDict(data or {})
    payload[TOKEN_FIELD] = token
    return client.post(url, data=payload, headers=headers, **kwargs)


def _targets(form: PageForm, page_path: str) -> set[str]:
    """Where the form can post: its action (none: its own page, as browsers do) and its buttons'."""
    return {_path_of(urljoin(page_path, a)) for a in (form.action or page_path, *form.button_actions) if a}


def _choose_form(forms: list[PageForm], page_path: str, action: str | None) -> PageForm:
    if action is not None:
        wanted = _path_of(urljoin(page_path, action))
        matching = [form for form in forms if wanted in _targets(form, page_path)]
        assert matching, (f"no form with action {action!r} on {page_path} "
                          f"(actions there: {[form.action for form in forms]})")
        return matching[0]
    posting = [form for form in forms if form.method == "post"]
    assert posting, f"no form with method post on {page_path}"
    in_content = [form for form in posting if form.in_main]
    return (in_content or posting)[0]


def submit_form(client, page_path: str, data, *, action: str | None = None,
                follow_redirects: bool = False):
    """GET ``page_path``, pick its form and POST ``data`` with the form's own CSRF token.

    The form is the one whose action (or a button's ``formaction``) is ``action`` when given, and
    it is posted there; else the first post form inside ``<main>`` (the page's content, not the
    sign-out form in the header), else the first post form.
    A form without a token fails the test: the server would refuse it too. ``page_path`` may be a
    full URL (``https://localhost/login``); the form is then posted there too.
    """
    page = _get_page(client, page_path)
    form = _choose_form(page_forms(page.get_data(as_text=True)), page_path, action)
    target = urljoin(page_path, action or form.action or page_path)
    assert form.token, f"the form posting to {target} on {page_path} has no {TOKEN_FIELD!r} hidden input"
    payload = MultiDict(data or {})
    payload[TOKEN_FIELD] = form.token
    return client.post(target, data=payload, headers=_referer(page), follow_redirects=follow_redirects)
