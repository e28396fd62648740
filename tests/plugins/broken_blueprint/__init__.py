"""A test plugin whose blueprint hook raises while the app is being built."""
from sdk import Manifest, hookimpl

manifest = Manifest(key="broken_blueprint", name="Broken Blueprint", summary="Cannot build pages.",
                    version="1.0.0", publisher="Trial Office QA", api_level=1)


@hookimpl
def tool_blueprint():
    raise RuntimeError("templates folder missing")
