"""Per-organization tool settings, validated against the tool's manifest."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sdk.manifest import Manifest, SettingField
from sdk.services import Settings

from .models import ToolSetting

_CASTS = {"str": str, "int": int, "float": float}


def coerce_setting(field: SettingField, value: Any) -> Any:
    """The value converted to the field's type; ``ValueError`` with a readable message if not."""
    if value is None:
        return None
    if field.type == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"{field.label}: expected yes or no")
    if field.type == "choice":
        if value not in field.choices:
            raise ValueError(f"{field.label}: choose one of {', '.join(field.choices)}")
        return value
    try:
        return _CASTS[field.type](value)
    except (TypeError, ValueError):
        raise ValueError(f"{field.label}: expected a {field.type} value") from None


class ToolSettings(Settings):
    def __init__(self, session, manifest: Manifest):
        self.session = session
        self.fields = {f.name: f for f in manifest.settings}
        self.tool_key = manifest.key

    def _row(self, name: str) -> ToolSetting | None:
        return self.session.scalar(
            select(ToolSetting).where(ToolSetting.tool_key == self.tool_key, ToolSetting.name == name)
        )

    def get(self, name: str) -> Any:
        field = self.fields[name]
        row = self._row(name)
        return field.default if row is None else row.value

    def set(self, name: str, value: Any) -> None:
        if name not in self.fields:
            raise ValueError(f"{self.tool_key} has no setting {name!r}")
        value = coerce_setting(self.fields[name], value)
        row = self._row(name)
        if row is None:
            self.session.add(ToolSetting(tool_key=self.tool_key, name=name, value=value))
        else:
            row.value = value

    def all(self) -> dict[str, Any]:
        rows = {r.name: r.value for r in self.session.scalars(
            select(ToolSetting).where(ToolSetting.tool_key == self.tool_key))}
        return {name: rows.get(name, f.default) for name, f in self.fields.items()}
