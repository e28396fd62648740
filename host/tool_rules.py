"""What a level-2 tool may not do through the level-1 services: act under another tool's key.

Level-1 tools pass their key by hand (``services().settings("mytool")``) and stay supported as
they are. A tool on API level 2 has its own handle (``sdk.tool()``); if its code still calls a
level-1 service with a key, that key must be its own: it cannot read another tool's settings
(secrets included), check another tool's permissions or write audit entries as another tool.
"""
from __future__ import annotations

from flask import current_app

from sdk.tool import running_tool_key

BOUND_API_LEVEL = 2


class OtherToolsKeyError(PermissionError):
    """A level-2 tool named another tool's key."""


def refuse_other_tools_key(tool_key: str, doing: str) -> None:
    running = running_tool_key()
    if running is None or running == tool_key:
        return
    manifest = current_app.extensions["trialoffice.registry"].manifest(running)
    if manifest is not None and manifest.api_level >= BOUND_API_LEVEL:
        raise OtherToolsKeyError(f"tool {running!r} (SDK API level {manifest.api_level}) cannot {doing} "
                                 f"tool {tool_key!r}; use sdk.tool() for its own")
