"""The managers' daily digest: yesterday's breaches and tomorrow's deadlines, by organisation."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, Deadline, Organisation
from mediation.models.notifications import Notification
from mediation.notifications.outbox import addresses, recipients
from mediation.notifications.texts import lang_of, render
from mediation.sla import clock
from workflows.lifecycle import TIMERS
from workflows.notifications import DIGEST_RULE


def digest_rows(now: datetime) -> list[dict]:
    """Per organisation: deadlines breached in the 24 hours before `now`, and those due tomorrow."""
    tomorrow = now.date() + timedelta(days=1)
    breached = db.session.execute(
        select(Organisation.name, Case.number, Deadline.kind, Deadline.due_date)
        .join(Case, Deadline.case_id == Case.id).join(Organisation, Case.org_id == Organisation.id)
        .where(Deadline.status == "breached", Deadline.closed_at > now - timedelta(days=1),
               Deadline.closed_at <= now)
        .order_by(Organisation.code, Case.number)).all()
    due = db.session.execute(
        select(Organisation.name, Case.number, Deadline.kind, Deadline.due_date)
        .join(Case, Deadline.case_id == Case.id).join(Organisation, Case.org_id == Organisation.id)
        .where(Deadline.status.in_(("open", "warned")), Deadline.due_date == tomorrow)
        .order_by(Organisation.code, Case.number)).all()
    orgs: dict[str, dict] = {}
    for name, number, kind, due_date in breached:
        orgs.setdefault(name, {"org": name, "breached": [], "due": []})["breached"].append(
            {"case_no": number, "kind": kind, "due": due_date})
    for name, number, kind, due_date in due:
        orgs.setdefault(name, {"org": name, "breached": [], "due": []})["due"].append(
            {"case_no": number, "kind": kind, "due": due_date})
    return list(orgs.values())


def queue_digest(now: datetime | None = None) -> list[Notification]:
    """Write today's digest for every manager (once a day however often it runs); commit."""
    now = (now or clock.local_now()).replace(tzinfo=None)
    groups = digest_rows(now)
    if not groups:
        return []
    texts = {}

    def text_in(lang: str):  # each manager reads the digest in their own language
        if lang not in texts:
            labels = {kind: spec["en" if lang == "en" else "zh"] for kind, spec in TIMERS.items()}
            texts[lang] = render(DIGEST_RULE["template"], lang, {
                "groups": groups, "labels": labels, "day": now.date(), "tomorrow": now.date() + timedelta(days=1)})
        return texts[lang]

    rows = []
    for kind in DIGEST_RULE["to"]:
        for user in recipients(kind, None, None):
            lang = lang_of(user.language)
            text = text_in(lang)
            for channel, address in addresses(kind, user):
                key = f"digest:{now.date().isoformat()}:u{user.id}:{channel}"
                if db.session.scalar(select(Notification.id).where(Notification.key == key)):
                    continue
                rows.append(Notification(key=key, recipient_kind=kind, user_id=user.id, address=address,
                                         channel=channel, language=lang, template=DIGEST_RULE["template"],
                                         subject=text.subject, body=text.body, status="pending",
                                         next_attempt_at=now, created_at=now))
    db.session.add_all(rows)
    db.session.commit()
    return rows
