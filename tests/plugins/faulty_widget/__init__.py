"""A test tool whose dashboard widget hook always raises (plugin-fault tests)."""
from sdk import Manifest, hookimpl

manifest = Manifest(key="faulty_widget", name="Faulty Widget", summary="Its widget hook raises.",
                    version="1.0.0", publisher="Trial Office QA", api_level=1)


@hookimpl
def dashboard_widgets(org, user):
    raise RuntimeError("widget storage is offline")
