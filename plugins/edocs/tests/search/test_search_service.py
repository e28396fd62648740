"""Full-text search through the services: PDF, Word and plain text found after the extraction
job, metadata and tags, the newest matching version, and nothing the person may not see."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text

from plugins.edocs.models import Document, SearchText, Version
from plugins.edocs.services import text_extraction
from plugins.edocs.services.errors import EdocsInputError
from plugins.edocs.services.search import search
from sdk import all_organizations

from .conftest import find, text_status
from .files import damaged_pdf, docx_with, pdf_with


def test_a_word_inside_a_pdf_and_a_word_inside_a_docx_are_found_after_upload(sponsor):
    pdf = sponsor.file("02.01.01", pdf_with("Protocol synopsis", "Primary endpoint: levosimendan tolerability"),
                       "synopsis.pdf", title="Synopsis")
    word = sponsor.file("05.02.04", docx_with("Curriculum vitae", "Board certified in electrophysiology"),
                        "cv.docx", level="site", site="101", title="CV Dr Berg")
    assert text_status(sponsor, pdf) == "done" and text_status(sponsor, word) == "done"
    assert find(sponsor, "levosimendan") == [("Synopsis", 1)]
    assert find(sponsor, "Electrophysiology") == [("CV Dr Berg", 1)]
    assert find(sponsor, "levosimendan electrophysiology") == []


def test_plain_text_phrases_alternatives_and_left_out_words(sponsor):
    sponsor.file(data=b"Dose escalation of the study drug in cohort two\n", filename="plan.txt", title="Plan A")
    sponsor.file(data=b"Dose reduction rules for renal impairment\n", filename="rules.txt", title="Plan B")
    assert sorted(find(sponsor, "dose")) == [("Plan A", 1), ("Plan B", 1)]
    assert find(sponsor, '"dose escalation"') == [("Plan A", 1)]
    assert find(sponsor, '"escalation dose"') == []
    assert sorted(find(sponsor, "escalation or renal")) == [("Plan A", 1), ("Plan B", 1)]
    assert find(sponsor, "dose -renal") == [("Plan A", 1)]


def test_title_tags_artifact_and_site_are_searched_beside_the_text(sponsor):
    sponsor.file("05.02.04", b"nothing special\n", "cv.txt", level="site", site="102", title="CV Meridian PI",
                 tags="inspection-ready, Priority")
    assert find(sponsor, "meridian") == [("CV Meridian PI", 1)]
    assert find(sponsor, "priority") == [("CV Meridian PI", 1)]
    assert find(sponsor, '"05.02.04"') == [("CV Meridian PI", 1)]
    assert find(sponsor, "102") == [("CV Meridian PI", 1)]


def test_one_result_per_document_pointing_at_its_newest_matching_version(sponsor):
    v1 = sponsor.file(data=b"Amendment one adds a troponin substudy\n", filename="amendment.txt", title="Amendment")
    document_id = sponsor.run(lambda s: s.get(Version, v1).document_id)
    sponsor.file(data=b"Amendment two adds a troponin substudy and MRI\n", document_id=document_id)
    sponsor.file(data=b"Amendment three drops the MRI\n", document_id=document_id)
    assert find(sponsor, "troponin") == [("Amendment", 2)]
    assert find(sponsor, "MRI") == [("Amendment", 3)]
    assert find(sponsor, "one") == [("Amendment", 1)]


def test_the_study_filter_and_the_limit(sponsor, outsider):
    for n in range(3):
        sponsor.file(data=f"Monitoring visit report {n}\n".encode(), filename=f"mvr{n}.txt", title=f"MVR {n}")
    assert len(find(sponsor, "monitoring", limit=2)) == 2
    assert len(find(sponsor, "monitoring", study_id=sponsor.study_id)) == 3
    assert find(sponsor, "monitoring", study_id=sponsor.study_id + 1000) == []


def test_a_file_whose_text_cannot_be_read_is_still_found_by_its_title(sponsor):
    version = sponsor.file(data=damaged_pdf(), filename="broken.pdf", title="Ethics approval letter")
    assert text_status(sponsor, version) == "failed"
    assert find(sponsor, "ethics") == [("Ethics approval letter", 1)]


def test_a_new_title_is_found_after_refresh_metadata(sponsor):
    version = sponsor.file(data=b"body text\n", filename="letter.txt", title="Old title")

    def rename(session):
        document = session.get(Document, session.get(Version, version).document_id)
        document.title = "Regulatory green light"
        text_extraction.refresh_metadata(document)
    sponsor.as_user(sponsor.owner, rename)
    assert find(sponsor, "green light") == [("Regulatory green light", 1)]
    assert find(sponsor, "old") == []


def test_a_site_organization_finds_its_own_site_only(sponsor):
    sponsor.file("05.02.04", pdf_with("Lakeside pharmacokinetics log"), "pk101.pdf", level="site", site="101",
                 title="Site 101 log")
    sponsor.file("05.02.04", docx_with("Meridian pharmacokinetics log"), "pk102.docx", level="site", site="102",
                 title="Site 102 log")
    sponsor.file(data=b"Trial-level pharmacokinetics plan\n", filename="pk.txt", title="Trial PK plan")
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    assert find(sponsor, "pharmacokinetics", user=site_owner, org=site_org) == [("Site 101 log", 1)]
    assert find(sponsor, "meridian", user=site_owner, org=site_org) == []
    assert find(sponsor, "trial", user=site_owner, org=site_org) == []
    assert len(find(sponsor, "pharmacokinetics")) == 3


def test_a_document_a_site_files_is_indexed_and_found_by_the_sponsor(sponsor):
    """The job runs as the site's person and writes the index row in the sponsor's scope."""
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    version = sponsor.file("05.02.04", docx_with("Delegation log signed by Dr Falkenberg"), "log.docx",
                           level="site", site="101", title="Delegation log", user=site_owner, org=site_org)
    assert text_status(sponsor, version) == "done"
    assert find(sponsor, "falkenberg") == [("Delegation log", 1)]
    assert find(sponsor, "falkenberg", user=site_owner, org=site_org) == [("Delegation log", 1)]


def test_the_job_run_by_a_site_person_indexes_their_sites_document_in_the_sponsors_binder(sponsor):
    version = sponsor.file("05.02.04", pdf_with("Temperature excursion at Lakeside"), "temp.pdf", level="site",
                           site="101", title="Excursion report")
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])

    def forget(session):
        session.execute(delete(SearchText).where(SearchText.version_id == version))
        session.get(Version, version).text_status = "pending"
    sponsor.run(forget)
    assert find(sponsor, "excursion") == []
    result = sponsor.as_user(site_owner, lambda s: text_extraction.extract_text(lambda *a, **k: None,
                                                                                version_id=version), org=site_org)
    assert result.data["text_status"] == "done" and text_status(sponsor, version) == "done"
    assert sponsor.run(lambda s: s.scalar(select(SearchText.org_id).where(SearchText.version_id == version))) \
        == sponsor.org.id
    assert find(sponsor, "temperature") == [("Excursion report", 1)]
    assert find(sponsor, "temperature", user=site_owner, org=site_org) == [("Excursion report", 1)]


def test_an_organization_without_a_grant_finds_nothing(sponsor, outsider):
    sponsor.file(data=pdf_with("Confidential unblinding procedure"), filename="unblinding.pdf", title="Unblinding")
    org, owner = outsider
    assert find(sponsor, "unblinding") == [("Unblinding", 1)]
    assert find(sponsor, "unblinding", user=owner, org=org) == []
    assert find(sponsor, "unblinding", user=owner, org=org, study_id=sponsor.study_id) == []


@pytest.mark.parametrize("words", ['"', "*", "NEAR(a b", "-x", "a OR", "OR", "dose*", "col:umn", "^start",
                                   "a AND NOT b", "(((", "x" * 199, "é ü ß 漢字", "_ ²"])
def test_odd_searches_answer_without_error(sponsor, words):
    sponsor.file(data=b"a b dose column start\n", filename="x.txt", title="Odd")
    try:
        assert isinstance(find(sponsor, words), list)
    except EdocsInputError as refused:
        assert refused.items and refused.items[0][0] == "q"


def test_empty_and_overlong_searches_and_bad_limits_are_refused_with_every_problem(sponsor):
    for words in ("", "   ", "x" * 201, '"" - -- ()'):
        with pytest.raises(EdocsInputError, match="search|Search|word"):
            sponsor.as_user(sponsor.owner, lambda s, w=words: search(w))
    with pytest.raises(EdocsInputError) as refused:
        sponsor.as_user(sponsor.owner, lambda s: search("", limit=0))
    assert [field for field, _ in refused.value.items] == ["q", "limit"]


def test_the_index_survives_the_harness_emptying_the_database(sponsor, support):
    """The harness's reset deletes every row; the SQLite full-text index (a virtual table kept
    in step by triggers) must not be emptied behind its triggers' back, or it is corrupted."""
    sponsor.file(data=b"Tachycardia observed at week four\n", filename="note.txt", title="Safety note")
    support.reset()
    session = support.session
    with sponsor.app.app_context(), all_organizations():
        assert session.execute(text("SELECT count(*) FROM edocs_search_text")).scalar() == 0
        if session.get_bind().dialect.name == "sqlite":  # FTS5 checks itself against its content table
            session.execute(text("INSERT INTO edocs_search_fts(edocs_search_fts) VALUES ('integrity-check')"))
        session.rollback()
