"""Saved weight presets. Each save or delete is a change of an audited record, so the trail shows
who changed which weight from what to what (the weights a ranking used matter in an audit)."""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..domain import Weights
from ..models import WeightPreset
from .errors import SiteSelectError
from .ownership import creator_id, require_may_change
from .specs import weight_problems


def list_presets() -> list[WeightPreset]:
    return list(tool().db_session().scalars(select(WeightPreset).order_by(WeightPreset.name)))


def get_preset(preset_id: int) -> WeightPreset | None:
    return tool().db_session().get(WeightPreset, preset_id)


def find_preset(name: str) -> WeightPreset | None:
    return tool().db_session().scalar(select(WeightPreset).where(WeightPreset.name == name.strip()))


def _name_problems(name: str) -> list[tuple[str, str]]:
    if not name:
        return [("name", "a preset needs a name")]
    if len(name) > 100:
        return [("name", "a preset name can have at most 100 characters")]
    return []


def save_preset_input(name: str, data) -> WeightPreset:
    """Save the weights of a form (``weight_<name>`` fields) or a JSON body (``weights``) under
    ``name``: the name's and the weights' problems are reported together (fields ``name``,
    ``weight_<name>`` or ``weights``). Nothing else of the input is looked at."""
    weights, problems = weight_problems(data)
    problems = _name_problems((name or "").strip()) + problems
    if problems:
        raise SiteSelectError.of(problems)
    return save_preset(name, weights)


def save_preset(name: str, weights: Weights) -> WeightPreset:
    """Create the preset, or change the weights of the one with this name."""
    name = (name or "").strip()
    problems = _name_problems(name)
    if problems:
        raise SiteSelectError.of(problems)
    session = tool().db_session()
    preset = find_preset(name)
    if preset is None:
        preset = WeightPreset(name=name, weights=weights.as_dict(), created_by_id=creator_id())
        session.add(preset)
    else:
        require_may_change(preset, "weight preset")
        preset.weights = weights.as_dict()
    session.flush()
    return preset


def delete_preset(preset: WeightPreset) -> None:
    require_may_change(preset, "weight preset")
    session = tool().db_session()
    session.delete(preset)
    session.flush()


def preset_weights(preset: WeightPreset) -> Weights:
    try:
        return Weights.from_dict(preset.weights or {})
    except ValueError as exc:
        raise SiteSelectError(f"preset {preset.name!r} holds invalid weights: {exc}") from exc
