"""The words a person reads for the platform's status codes: one label per state, on every page.

Templates use the ``status`` filter (``{{ lic.status|status("license") }}``); Python code uses
:func:`status_word`. A code without a label shows as itself, capitalized and without
underscores, never as a raw code such as "trialing" or "past_due".
"""
from __future__ import annotations

STATUS_WORDS: dict[str, dict] = {
    "license": {None: "Not licensed", "pending": "Waiting for payment", "trialing": "Free trial",
                "active": "Active", "grace": "Grace period", "lapsed": "Lapsed", "suspended": "Suspended"},
    "subscription": {"pending": "Waiting for payment", "incomplete": "Waiting for payment",
                     "incomplete_expired": "Payment not completed", "trialing": "Free trial",
                     "active": "Active", "past_due": "Payment overdue", "unpaid": "Unpaid",
                     "canceled": "Cancelled", "paused": "Paused"},
    "invoice": {"draft": "Draft", "open": "Due", "paid": "Paid", "void": "Void",
                "uncollectible": "Uncollectible"},
    "grant": {"pending": "Waiting for an answer", "active": "Active", "declined": "Declined",
              "revoked": "Ended"},
    "interval": {"month": "monthly", "year": "annual"},
}


def status_word(value, kind: str) -> str:
    """The label of ``value`` among the ``kind`` statuses (license, subscription, invoice, ...)."""
    words = STATUS_WORDS[kind]
    if value in words:
        return words[value]
    return str(value or "").replace("_", " ").capitalize()


def plan_word(tool_key: str, plan_code: str | None) -> str:
    """A plan as its tool names it ("Standard"), not its code; "no plan" when there is none."""
    from flask import current_app

    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    plan = manifest.plan(plan_code or "") if manifest else None
    return plan.name if plan else (str(plan_code).replace("_", " ").capitalize() if plan_code else "no plan")


def sentence(message) -> str:
    """A message as a sentence: a full stop at its end and, when it starts with a plain
    lower-case word, that word capitalized ("target enrollment must be positive" -> "Target
    enrollment must be positive."). A message starting with a name the person typed (an email
    address, a file name) keeps it as written."""
    text = str(message or "").strip()
    if not text:
        return text
    first = text.split(maxsplit=1)[0].rstrip(":,;")
    if first.isalpha() and first.islower():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?)" else text + "."


def init_words(app) -> None:
    app.jinja_env.filters["status"] = status_word
    app.jinja_env.filters["sentence"] = sentence
    app.jinja_env.globals["plan_name"] = plan_word
