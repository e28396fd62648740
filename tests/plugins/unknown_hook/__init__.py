"""A test plugin implementing a hook the SDK does not define."""
from sdk import Manifest, hookimpl

manifest = Manifest(key="unknown_hook", name="Unknown Hook", summary="Implements page_footer.",
                    version="1.0.0", publisher="Trial Office QA", api_level=1)


@hookimpl
def page_footer(org):
    return "<p>footer</p>"
