from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, TenantMixin, services
from sdk.audit import audited


@audited("testtool", entity_type="record", labels={"title": "Record title"}, sign_permission="edit")
class TestRecord(TenantMixin, Base):
    __tablename__ = "testtool_record"
    __table_args__ = (UniqueConstraint("org_id", "title"),)
    __test__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    notes = relationship("TestNote", back_populates="record", order_by="TestNote.id")


class TestNote(TenantMixin, Base):
    __tablename__ = "testtool_note"
    __test__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("testtool_record.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(500), nullable=False)
    record = relationship("TestRecord", back_populates="notes")


def count_records() -> int:
    return services().db_session().scalar(select(func.count(TestRecord.id)))


def add_record(title: str) -> TestRecord:
    session = services().db_session()
    record = TestRecord(title=title)
    session.add(record)
    session.flush()
    return record
