"""edocs' page forms. The rules of the input live in the services (``services.documents``,
``services.studies``, ``services.transitions``), which the pages and the API both call; these
forms only carry the values, keep them on a refusal and show each problem beside its field."""
from __future__ import annotations

from itertools import groupby

from flask_wtf.file import MultipleFileField
from wtforms import FileField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import MultiCheckboxField, ToolForm

from .. import manifest
from ..models import LEVELS


def site_entries(text: str | None) -> list[dict]:
    """``101 DE Lakeside Clinic`` one per line -> [{"code": "101", "country": "DE", "name": ...}];
    a second word of two letters is the country."""
    entries = []
    for line in (text or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        code, rest = parts[0], parts[1:]
        country = rest.pop(0) if rest and len(rest[0]) == 2 and rest[0].isalpha() else ""
        entries.append({"code": code, "country": country.upper(), "name": " ".join(rest)})
    return entries


class StudyForm(ToolForm):
    name = StringField("Binder (study) name", render_kw={"maxlength": 200})
    protocol = StringField("Protocol", render_kw={"maxlength": 200})
    sites = TextAreaField("Sites", render_kw={"rows": 3})


class FilingFields(ToolForm):
    """Where and how a document is filed (the upload page's fields common to every file)."""

    artifact = SelectField("Artifact", validate_choice=False)
    level = SelectField("Level", choices=[SelectChoice("", "The artifact's usual level")]
                        + [SelectChoice(key, label) for key, label in LEVELS.items()], default="")
    site = SelectField("Site", validate_choice=False)
    country = StringField("Country", render_kw={"maxlength": 2, "autocomplete": "off"})
    document_date = StringField("Document date", render_kw={"type": "date"})
    language = StringField("Language", default="en", render_kw={"maxlength": 10})
    version_label = StringField("Version label", render_kw={"maxlength": 20})
    title = StringField("Title", render_kw={"maxlength": 300})
    tags = StringField("Tags", render_kw={"maxlength": 400})

    def offer(self, artifacts, sites) -> "FilingFields":
        """Artifact choices grouped by zone (``<optgroup>``) and the sites the person sees."""
        self.artifact.choices = {
            f"{zone[0]} {zone[1]}": [(a.number, f"{a.number} {a.name}") for a in group]
            for zone, group in groupby(artifacts, key=lambda a: (a.zone, a.zone_name))}
        self.site.choices = [SelectChoice("", "No site (trial or country level)")] + [
            SelectChoice(site.code, str(site)) for site in sites]
        return self

    def filing_data(self) -> dict:
        """The fields as ``services.documents.file_document`` takes them."""
        return {name: (self[name].data or "").strip() for name in
                ("artifact", "level", "site", "country", "document_date", "language", "version_label",
                 "title", "tags")}


class UploadForm(FilingFields):
    files = MultipleFileField("Files")


class SingleUploadForm(FilingFields):
    """One file of the page's script: the same fields, one ``file``."""

    file = FileField("File")


class DetailsForm(ToolForm):
    title = StringField("Title", render_kw={"maxlength": 300})
    owner_id = SelectField("Owner", validate_choice=False)
    document_date = StringField("Document date", render_kw={"type": "date"})
    language = StringField("Language", render_kw={"maxlength": 10})
    country = StringField("Country", render_kw={"maxlength": 2, "autocomplete": "off"})
    tags = StringField("Tags", render_kw={"maxlength": 400})


class VersionForm(ToolForm):
    file = FileField("New version")
    version_label = StringField("Version label", render_kw={"maxlength": 20})


class RejectForm(ToolForm):
    reason = TextAreaField("Reason for rejection", render_kw={"rows": 3, "maxlength": 1000})


class SignForm(ToolForm):
    """The fields the kit's signature dialog posts to our approval route."""

    meaning = StringField()
    email = StringField()
    password = PasswordField()


class ShareForm(ToolForm):
    org = StringField("Organization", render_kw={"maxlength": 100, "autocomplete": "off"})
    site = SelectField("For", choices=[SelectChoice("", "The whole binder")], default="")
    roles = MultiCheckboxField("Roles", choices=[SelectChoice(role.key, role.label) for role in manifest.roles])

    def offer_sites(self, sites) -> "ShareForm":
        self.site.choices = [SelectChoice("", "The whole binder (a CRO)")] + [
            SelectChoice(str(site.id), f"Site {site} only (a site organization)") for site in sites]
        return self


class SiteForm(ToolForm):
    code = StringField("Site number", render_kw={"maxlength": 40, "autocomplete": "off"})
    site_name = StringField("Site name", render_kw={"maxlength": 200})
    country = StringField("Country", render_kw={"maxlength": 2})


class TeamForm(ToolForm):
    """Ticked ``<user id>:<role>`` values, drawn as a grid (a row a member, a column a role)."""

    assign = SelectMultipleField("Roles on this binder", validate_choice=False)
