"""A stand-in for project planning (pmcp) until the real tool exists: it records the
``site_select.activation_requested`` events it receives, so the hand-off can be tested
through the host's real event delivery (only to tools enabled in the organization)."""
from sdk import Manifest, Plan, hookimpl

manifest = Manifest(key="pmcp", name="Project planning (stub)", summary="Records hand-offs for tests.",
                    version="0.0.1", publisher="Trial Office QA", api_level=1, category="project-management",
                    plans=(Plan(code="basic", name="Basic", amount=100),))

received: list = []


@hookimpl
def domain_event_handlers():
    return {"site_select.activation_requested": received.append}
