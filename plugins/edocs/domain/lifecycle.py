"""A document version's lifecycle: which status may follow which, and what each step needs.

    draft --submit--> qc --pass QC (signed "approved")--> approved --make effective--> effective
                       \\--reject (reason)--> rejected --resubmit--> qc
    approving version N supersedes every earlier version of the document that is not archived;
    closing the study archives every version still in use.

Superseded and archived are never asked for: they follow from another version's approval and
from the study's close. A step not in :data:`TRANSITIONS` is refused with a message saying what
the version's status allows instead, so "Draft straight to Effective" explains itself.
"""
from __future__ import annotations

from dataclasses import dataclass

LABELS = {"draft": "Draft", "qc": "In QC", "rejected": "QC rejected", "approved": "Approved",
          "effective": "Effective", "superseded": "Superseded", "archived": "Archived"}

#: (from, to) -> the permission the step needs
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "qc"): "file_documents",
    ("rejected", "qc"): "file_documents",
    ("qc", "rejected"): "qc_review",
    ("qc", "approved"): "qc_review",
    ("approved", "effective"): "file_documents",
}
#: what a person can ask for; superseded and archived only follow from other steps
REQUESTABLE = ("qc", "rejected", "approved", "effective")
#: a version in one of these is still in use: a later approval supersedes it, a close archives it
IN_USE = ("draft", "qc", "rejected", "approved", "effective")
#: passed QC (what completeness counts)
QC_PASSED = ("approved", "effective")
MAX_REASON = 1000


class TransitionRefused(ValueError):
    """The step is not allowed from the version's status; the message says why and what is."""


@dataclass(frozen=True)
class Step:
    frm: str
    to: str
    permission: str
    needs_signature: bool
    needs_reason: bool


def step(frm: str, to: str, reason: str | None = None) -> Step:
    """The step from ``frm`` to ``to``, or :class:`TransitionRefused` saying why not."""
    if to not in LABELS:
        raise TransitionRefused(f"{to!r} is not a status; use one of: {', '.join(REQUESTABLE)}.")
    if to not in REQUESTABLE:
        raise TransitionRefused(f"A version becomes {LABELS[to]} by itself (approving a newer version "
                                f"supersedes it; closing the study archives it); it cannot be asked for.")
    permission = TRANSITIONS.get((frm, to))
    if permission is None:
        raise TransitionRefused(f"A version in {LABELS[frm]} cannot go to {LABELS[to]}; "
                                f"{_allowed_from(frm)}")
    needs_reason = to == "rejected"
    if needs_reason:
        text = (reason or "").strip()
        if not text:
            raise TransitionRefused("A QC rejection needs a reason: say what must be corrected.")
        if len(text) > MAX_REASON:
            raise TransitionRefused(f"Keep the reason to {MAX_REASON} characters.")
    return Step(frm, to, permission, needs_signature=to == "approved", needs_reason=needs_reason)


def next_steps(frm: str) -> list[str]:
    """The statuses a version in ``frm`` may be moved to."""
    return [to for (start, to) in TRANSITIONS if start == frm]


def _allowed_from(frm: str) -> str:
    allowed = [LABELS[to] for to in next_steps(frm)]
    if not allowed:
        return f"a {LABELS[frm]} version does not change any more."
    return f"from {LABELS[frm]} it can go to {' or '.join(allowed)}."
