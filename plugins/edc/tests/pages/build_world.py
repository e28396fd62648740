"""Organizations around a study for the build tests: the sponsor's (the ``sponsor`` fixture), a
CRO, an investigator site's organization and a stranger, each owner signed in; and the grantee's
side of an invitation, answered on the host's Sharing page as a person does."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from sdk.testing import accept_share

from ..domain.redcap_sample import HEADER, ROWS

DICTIONARY = (HEADER + ROWS).encode("utf-8")
#: the first field is not a record ID (a radio field), row 1 is named
BAD_FIRST_FIELD = (HEADER + 'study_id,enrolment,,radio,"Study ID","1, A | 2, B",,,,,,,,,,,,\n'
                   + ROWS.split("\n", 1)[1]).encode("utf-8")
#: form enrolment comes back after vitals on row 3
NON_CONTIGUOUS = (HEADER + "record_id,enrolment,,text,Record ID,,,,,,,,,,,,,\n"
                  "weight,vitals,,text,Weight,,,,,,,,,,,,,\nsex,enrolment,,text,Sex,,,,,,,,,,,,,\n").encode("utf-8")
#: an ODM file whose ItemDef has a data type ODM does not know
BAD_ODM = (b'<?xml version="1.0" encoding="UTF-8"?>\n<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F.1" '
           b'CreationDateTime="2025-01-01T00:00:00" ODMVersion="1.3.2" FileType="Snapshot"><Study OID="S.1">'
           b'<GlobalVariables><StudyName>S</StudyName><StudyDescription/><ProtocolName>P</ProtocolName>'
           b'</GlobalVariables><MetaDataVersion OID="MDV.1" Name="v1"><ItemDef OID="IT.weight" Name="weight" '
           b'DataType="weird"/></MetaDataVersion></Study></ODM>')


@dataclass
class Party:
    slug: str
    org: object
    owner: object
    client: object


@dataclass
class Grantees:
    cro: Party
    site_org: Party
    stranger: Party


def make_grantees(make_user, make_org, grant_license, login_as) -> Grantees:
    """A CRO and a site organization without edc, and a stranger organization that has edc."""
    made = {}
    for slug, kind in (("north-cro", "cro"), ("site-berlin", "site"), ("other-pharma", "sponsor")):
        owner = make_user(f"owner@{slug}.example.org", name=f"Owner of {slug}")
        org = make_org(slug, type=kind, owner=owner)
        if slug == "other-pharma":
            grant_license(org, "edc", enable=True)
        made[slug] = Party(slug, org, owner, login_as(owner))
    return Grantees(made["north-cro"], made["site-berlin"], made["other-pharma"])


def upload(data: bytes, name: str) -> io.BytesIO:
    """A file for a form post: the test client takes its name from ``name`` (a tuple would be
    split into two values by the MultiDict ``submit_form`` builds)."""
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def accept(party: Party, grant_id: int):
    """The grantee's owner accepts the invitation on the host's Sharing page."""
    accept_share(party.client, party.slug, grant_id)


def grant_ids(page_html: str) -> list[int]:
    """The grant ids of the revoke buttons on a study page."""
    return [int(found) for found in re.findall(r"/shares/(\d+)/revoke", page_html)]
