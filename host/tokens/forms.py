"""The "New token" form (its rule lives in :func:`host.tokens.service.create_token`)."""
from __future__ import annotations

from wtforms import StringField

from sdk.forms import ToolForm

from .service import NAME_MAX_LENGTH


class TokenForm(ToolForm):
    name = StringField("Name", render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "off"})
