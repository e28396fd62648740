"""Browser tests for tools and the platform: a real app served on a free port, Debian's headless
Chromium driven by Playwright, and screenshots that fail when a page is wider than the window.

Part of the harness's pytest plugin, so one Playwright and one Chromium serve the browser tests
of every folder (a second sync Playwright in one process fails). In a test::

    pytestmark = pytest.mark.browser

    def test_my_page(browser_page, make_user, make_org, grant_license):
        ...                                            # sign in through /login, then:
        browser_page.goto("/o/acme/mytool/")
        browser_page.screenshots_at_both_widths("mytool-index")   # 1280 and 390 pixels wide

Screenshots go to ``tests/artifacts/`` under pytest's root folder.

Playwright cannot download its own browsers here, so the system Chromium is launched
(``CHROMIUM_PATH``, else ``chromium`` on the PATH). Without it these tests fail with a clear
message; deselect them locally with ``-m "not browser"``.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .serving import served

#: where screenshots go: tests/artifacts under the folder pytest runs from
ARTIFACTS = Path.cwd() / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def chromium_executable() -> str:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            pytest.fail(f"CHROMIUM_PATH={configured} is not an executable file.")
        return configured
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: the browser test needs Debian's 'chromium' package "
                    "(apt-get install chromium; 'make test' installs it in CI) or CHROMIUM_PATH. "
                    "Locally you may deselect it with -m \"not browser\".")
    return found


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app):
    """The base URL of an app with CSRF on, served by werkzeug in a background thread."""
    with served(make_app(WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=False)) as url:
        yield url


#: The outermost elements whose right edge passes the window's (empty when the page fits).
STICKING_OUT = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return [];
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0 && !(el.parentElement && out.includes(el.parentElement))
        && getComputedStyle(el).position !== "fixed" && !el.closest("dialog:not([open])")) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) { inside = true; break; }
      }
      if (!inside) out.push(el);
    }
  }
  if (!out.length) {  // an absolutely placed element escaping a scroll container, for example
    for (const el of document.body.querySelectorAll("*")) {
      if (el.getBoundingClientRect().right > limit + 1 && getComputedStyle(el).position === "absolute") out.push(el);
    }
  }
  if (!out.length) return ["the document is " + document.documentElement.scrollWidth + "px wide"];
  return out.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
                          + " " + Math.round(el.getBoundingClientRect().right) + "px");
}"""


#: URL schemes the browser serves itself
BROWSER_INTERNAL = ("data:", "blob:", "chrome-extension:", "chrome:")


class BrowserPage:
    """A Playwright page that records outside requests and page errors, and saves screenshots."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.outside_requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._record_request)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _record_request(self, request) -> None:
        """Requests leaving the app; ``data:`` URLs and the browser's own viewers (Chromium shows
        a framed PDF with its built-in ``chrome-extension:`` viewer) never reach the network."""
        if not re.match(re.escape(self.base_url) + r"(/|$)", request.url) and not request.url.startswith(BROWSER_INTERNAL):
            self.outside_requests.append(request.url)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def sign_in(self, email: str, password: str | None = None) -> None:
        """Sign in through the sign-in page, as a person would (the harness's test password)."""
        from .support import TEST_PASSWORD

        self.goto("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password or TEST_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot, and fail if the page is wider than the window (naming the
        outermost elements that stick out, to find the culprit)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        too_wide = self.page.evaluate(STICKING_OUT)
        assert not too_wide, f"{name}: the page is wider than the window; sticking out: {too_wide}"
        return path

    def screenshots_at_both_widths(self, name: str) -> list[Path]:
        """``name-1280.png`` and ``name-390.png`` (a desktop window and a phone), each failing if the
        page is wider than the window; the window is 1280 pixels wide again afterwards."""
        paths = []
        for width, height in ((1280, 800), (390, 844)):
            self.page.set_viewport_size({"width": width, "height": height})
            paths.append(self.screenshot(f"{name}-{width}.png"))
        self.page.set_viewport_size({"width": 1280, "height": 800})
        return paths


@pytest.fixture
def browser_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    page = BrowserPage(context.new_page(), live_server)
    yield page
    context.close()
