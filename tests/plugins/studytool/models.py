"""A study is the shared record; its sites, subjects and notes follow it to the grantee."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin
from sdk.audit import audited

STUDY = "studytool.study"
#: Module-qualified: another tool (edc) declares classes of the same names on the shared registry.
_STUDY_CLASS, _SITE_CLASS = "tests.plugins.studytool.models.Study", "tests.plugins.studytool.models.StudySite"


@audited("studytool", entity_type="study", reason_required=False)
class Study(TenantMixin, Base):
    __tablename__ = "studytool_study"
    __sharing__ = Sharing(STUDY)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    sites = relationship(_SITE_CLASS, back_populates="study", order_by=f"{_SITE_CLASS}.id")

    def __str__(self) -> str:
        return self.title


class StudySite(TenantMixin, Base):
    __tablename__ = "studytool_site"
    __sharing__ = Sharing(STUDY, via="study_id", site="id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studytool_study.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    study = relationship(_STUDY_CLASS, back_populates="sites")


@audited("studytool", entity_type="subject", reason_required=False, meanings=("approved",),
         sign_permission="sign_casebook")
class Subject(TenantMixin, Base):
    __tablename__ = "studytool_subject"
    __sharing__ = Sharing(STUDY, via="study_id", site="site_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studytool_study.id", ondelete="CASCADE"), nullable=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("studytool_site.id", ondelete="CASCADE"), nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    study = relationship(_STUDY_CLASS)
    site = relationship(_SITE_CLASS)


class StudyNote(TenantMixin, Base):
    """Study-level (no site): seen by every organization the study is shared with."""

    __tablename__ = "studytool_note"
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studytool_study.id", ondelete="CASCADE"), nullable=False)
    body: Mapped[str] = mapped_column(String(500), nullable=False)
    study = relationship(_STUDY_CLASS)
