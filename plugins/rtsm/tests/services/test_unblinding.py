"""Emergency unblinding in the services: a reason, the investigator's permission, the
requester's own valid signature before anything is revealed, one subject per request."""
import pytest
from sqlalchemy import func, select

from plugins.rtsm.models import Allocation, Study, StudySite, Unblinding
from plugins.rtsm.services import randomization, unblinding
from plugins.rtsm.services.errors import NotAllowed, RtsmInputError
from sdk.testing.support import TEST_PASSWORD

REASON = "Anaphylaxis: the treating physician must know the drug"


def _randomized(sponsor, subject="S01-001") -> int:
    def act(session):
        study = session.get(Study, sponsor.study_id)
        site = session.get(StudySite, sponsor.site_ids["S01"])
        return randomization.randomize(study, subject=subject, site=site, factors={"sex": "F"})[0].id
    return sponsor.as_user(sponsor.owner, act)


@pytest.fixture
def investigator(sponsor):
    return sponsor.member("ines@acme-pharma.example.org", "Ines Investigator", "investigator")


def _request(sponsor, user, allocation_id, reason=REASON):
    return sponsor.as_user(user, lambda session: unblinding.request(session.get(Allocation, allocation_id), reason).id)


def _reveal(sponsor, user, unblinding_id):
    return sponsor.as_user(user, lambda session: unblinding.reveal(session.get(Unblinding, unblinding_id)).code)


def test_nothing_is_revealed_before_the_requester_signs(sponsor, investigator):
    allocation_id = _randomized(sponsor)
    unblinding_id = _request(sponsor, investigator, allocation_id)
    with pytest.raises(NotAllowed, match="Sign the unblinding"):
        _reveal(sponsor, investigator, unblinding_id)
    sponsor.as_user(investigator, lambda session: unblinding.sign(session.get(Unblinding, unblinding_id),
                                                                   password=TEST_PASSWORD,
                                                                   email=investigator.email))
    arm = _reveal(sponsor, investigator, unblinding_id)
    assert arm == sponsor.run(lambda session: session.get(Allocation, allocation_id).arm_code)
    other = sponsor.member("ida@acme-pharma.example.org", "Ida Other", "investigator")
    with pytest.raises(NotAllowed, match="Only the person who requested"):
        _reveal(sponsor, other, unblinding_id)


def test_a_wrong_password_leaves_no_code_break(sponsor, investigator):
    """Requested and signed in one go (as the API does): a refused signature rolls the request
    back with it; only the platform's audit entry of the failed signing remains."""
    allocation_id = _randomized(sponsor)

    def request_and_sign(session):
        pending = unblinding.request(session.get(Allocation, allocation_id), REASON)
        unblinding.sign(pending, password="wrong", email=investigator.email)
    with pytest.raises(NotAllowed, match="Signature refused"):
        sponsor.as_user(investigator, request_and_sign)
    assert sponsor.run(lambda session: session.scalar(select(func.count(Unblinding.id)))) == 0


def test_a_wrong_password_on_a_saved_request_leaves_it_unsigned(sponsor, investigator):
    allocation_id = _randomized(sponsor)
    unblinding_id = _request(sponsor, investigator, allocation_id)
    with pytest.raises(NotAllowed, match="Signature refused"):
        sponsor.as_user(investigator, lambda session: unblinding.sign(session.get(Unblinding, unblinding_id),
                                                                       password="wrong", email=investigator.email))
    with pytest.raises(NotAllowed, match="Sign the unblinding"):
        _reveal(sponsor, investigator, unblinding_id)


def test_a_reason_is_required_and_site_staff_may_not_unblind(sponsor, investigator):
    allocation_id = _randomized(sponsor)
    with pytest.raises(RtsmInputError) as refused:
        _request(sponsor, investigator, allocation_id, reason="  urgent  ")
    assert list(refused.value.by_field()) == ["reason"]
    staff = sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff")
    with pytest.raises(NotAllowed):
        _request(sponsor, staff, allocation_id)
    with pytest.raises(NotAllowed):
        _request(sponsor, sponsor.owner, allocation_id)
    assert sponsor.run(lambda session: session.scalar(select(func.count(Unblinding.id)))) == 0
