"""Time at each node: overdue tasks get one reminder a day, to the node's staff."""
from datetime import timedelta

from sqlalchemy import select

from services.review.decisions import WAITING
from services.review.models import ReviewCase, Task
from services.review.remote import notify

REMIND_EVERY = timedelta(hours=20)  # a daily timer that drifts still reminds once a day


def due_reminders(session, now):
    """Overdue waiting tasks not reminded in the last day, grouped by organisation;
    marks them reminded (the caller commits after queueing the messages)."""
    tasks = session.scalars(select(Task).where(Task.state.in_(WAITING), Task.due_at.is_not(None),
                                               Task.due_at < now).order_by(Task.org_id, Task.due_at)).all()
    by_org = {}
    for task in tasks:
        if task.reminded_at is not None and task.reminded_at > now - REMIND_EVERY:
            continue
        task.reminded_at = now
        by_org.setdefault(task.org_id, []).append(task)
    return by_org


def send_reminders(session, notices, now):
    by_org = due_reminders(session, now)
    session.commit()
    for org_id, tasks in by_org.items():
        ids = [t.application_id for t in tasks[:20]]
        numbers = dict(session.execute(select(ReviewCase.application_id, ReviewCase.number)
                                       .where(ReviewCase.application_id.in_(ids))).all())
        notify(notices, org_ids=[org_id], kind="review_overdue",
               subject=f"有{len(tasks)}份申请书审核已超期",
               body="以下申请书已超过审核时限，请尽快处理：" + "、".join(numbers.get(i) or i for i in ids))
    return {org_id: len(tasks) for org_id, tasks in by_org.items()}
