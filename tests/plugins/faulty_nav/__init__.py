"""A test tool whose navigation hook always raises, while its widget works (plugin-fault tests)."""
from sdk import Manifest, Widget, hookimpl

manifest = Manifest(key="faulty_nav", name="Faulty Navigation", summary="Its navigation hook raises.",
                    version="1.0.0", publisher="Trial Office QA", api_level=1)


@hookimpl
def navigation_items(org, user):
    raise RuntimeError("navigation is broken")


@hookimpl
def dashboard_widgets(org, user):
    return [Widget("Faulty navigation still reports", "<p>widget of faulty_nav</p>")]
