"""Live branching: which items of a form being filled in are hidden, and what its calculated
items come to, for the values typed so far (nothing is saved). The page's script asks this as
the person types; the save applies the same logic (``entry.save_form``)."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Study, Subject
from .entry import branching_values, form_context
from .layout import is_shown


@dataclass
class Preview:
    #: input names of the items whose show-if logic hides them
    hidden: list[str]
    #: input name of each calculated item -> its value ("" when blank)
    calculated: dict[str, str]


def preview(study: Study, subject: Subject, event_oid: str, form_oid: str, posted, *,
            event_repeat: int = 1, form_repeat: int = 1) -> Preview:
    context = form_context(study, subject, event_oid, form_oid, posted, event_repeat=event_repeat,
                           form_repeat=form_repeat)
    return preview_of(context, event_oid, posted)


def preview_of(context, event_oid: str, posted) -> Preview:
    """The preview of an already built form context (the page uses it for its first view)."""
    values, lookup = branching_values(context, event_oid, posted)
    hidden = [slot.name for slot in context.layout if not is_shown(slot, values, lookup=lookup)]
    calculated = {slot.name: values.get(slot.item.variable, "") for slot in context.layout
                  if slot.calculation and slot.repeat == 1}
    return Preview(hidden, calculated)
