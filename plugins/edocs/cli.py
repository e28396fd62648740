"""``trialoffice tools edocs ...``: remind owners of overdue expected documents in every open
binder (run it daily from cron; a second run the same day reminds nobody twice)."""
from __future__ import annotations

from datetime import date

import click
from sqlalchemy import select

from sdk import all_organizations, org_scope, tool


@click.command("remind-overdue")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Count as of this day (YYYY-MM-DD; default: today, UTC).")
def remind_overdue_command(today) -> None:
    """Notify the owners of overdue expected documents, in every open binder."""
    from .models import Study
    from .services.reminders import remind_overdue

    day: date | None = today.date() if today else None
    session = tool().db_session()
    with all_organizations():
        binders = session.execute(select(Study.id, Study.org_id).where(Study.status == "active")
                                  .order_by(Study.org_id, Study.id)).all()
    total = 0
    for study_id, org_id in binders:
        with org_scope(org_id):
            notified = remind_overdue(session.get(Study, study_id), today=day)
            session.commit()
        total += notified
    click.echo(f"{len(binders)} binder(s) checked, {total} reminder(s) sent.")


def commands() -> list[click.Command]:
    return [remind_overdue_command]
