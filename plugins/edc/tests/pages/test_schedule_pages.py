"""The schedule of an ODM study with a repeating event and repeating item groups: adding an
occurrence from the subject's page, a form's "Add a row", and the second row saved."""
from pathlib import Path

from sqlalchemy import select

from plugins.edc.models import ItemValue, StudyEvent
from plugins.edc.services import entry, studies
from sdk.testing import post_with_token, submit_form

ODM = (Path(__file__).resolve().parents[1] / "fixtures" / "odm" / "cdash_odm_test_roundtrip.xml").read_bytes()


def _odm_study(sponsor):
    def build(session):
        study = studies.create_study({"name": "CDASH test", "oid": "CDASH", "protocol_name": "CDASH"})
        odm = (ODM.replace(b'OID="BASELINE" Repeating="No"', b'OID="BASELINE" Repeating="Yes"')
               .replace(b'CodeListOID="CL.', b'CodeListOID="ODM.CL.'))  # the file names three lists wrongly
        studies.publish(studies.import_definition(study, odm, "odm"))
        site = studies.add_site(study, {"code": "201", "name": "Leiden"})
        return entry.enroll(study, site, "201-001").id
    return sponsor.run(build)


def test_a_repeating_event_gets_another_occurrence(sponsor):
    subject_id = _odm_study(sponsor)
    page = f"/o/acme-pharma/edc/subjects/{subject_id}"
    html = sponsor.client.get(page).get_data(as_text=True)
    assert "Baseline Visit" in html and "Occurrence 1" in html and "Add another occurrence" in html
    added = submit_form(sponsor.client, page, {}, action=page + "/events/BASELINE/add")
    assert added.status_code == 302
    html = sponsor.client.get(page).get_data(as_text=True)
    assert "Occurrence 2" in html and "BASELINE/forms/ODM.F.VS?occurrence=2" in html
    assert sponsor.run(lambda session: sorted(e.repeat_key for e in session.scalars(select(StudyEvent)))) == [2]


def test_a_repeating_group_adds_a_row_and_saves_it(sponsor):
    subject_id = _odm_study(sponsor)
    path = f"/o/acme-pharma/edc/subjects/{subject_id}/events/BASELINE/forms/ODM.F.VS"
    html = sponsor.client.get(path).get_data(as_text=True)
    assert "Add a row to Vital Sign Measurement" in html and "ODM.IG.VS__2__" not in html
    more = post_with_token(sponsor.client, path + "?occurrence=1", {"add_row": "ODM.IG.VS"}, token_from=path)
    assert more.status_code == 200 and "ODM.IG.VS__2__" in more.get_data(as_text=True)
    row_two = "ODM.IG.VS__2__ODM.IT.VS.VSDAT"
    assert f'name="{row_two}"' in more.get_data(as_text=True)
    saved = post_with_token(sponsor.client, path + "?occurrence=1", {row_two: "2024-03-15"}, token_from=path)
    assert saved.status_code == 302
    stored = sponsor.run(lambda session: [(v.group_repeat, v.value) for v in session.scalars(
        select(ItemValue).where(ItemValue.item_oid == "ODM.IT.VS.VSDAT"))])
    assert stored == [(2, "2024-03-15")]
    assert f'name="{row_two}"' in sponsor.client.get(path).get_data(as_text=True), "the stored row stays shown"


def test_an_occurrence_not_added_answers_404(sponsor):
    subject_id = _odm_study(sponsor)
    path = f"/o/acme-pharma/edc/subjects/{subject_id}/events/BASELINE/forms/ODM.F.VS?occurrence=3"
    assert sponsor.client.get(path).status_code == 404
    assert post_with_token(sponsor.client, path, {"ODM.IG.VS__1__ODM.IT.VS.VSDAT": "2024-03-15"},
                           token_from=f"/o/acme-pharma/edc/subjects/{subject_id}").status_code == 404
    assert sponsor.run(lambda session: session.scalar(select(StudyEvent.id))) is None
