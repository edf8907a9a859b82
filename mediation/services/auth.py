"""Staff authentication: password check with lockout, and API tokens (DESIGN.md §8 POST /tokens)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import ApiToken, User
from mediation.sla import clock

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_LIFETIME = timedelta(hours=12)


def authenticate(username: str, password: str) -> User | None:
    """Return the user if the password is right and the account open; count failures, lock after 5."""
    user = db.session.scalars(select(User).where(User.username == (username or "").strip())).first()
    now = clock.local_now()
    if user is None or not user.active:
        return None
    if user.locked_until and user.locked_until > now:
        return None
    if not user.check_password(password or ""):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
        db.session.commit()
        return None
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return user


def is_locked(username: str) -> bool:
    user = db.session.scalars(select(User).where(User.username == (username or "").strip())).first()
    return bool(user and user.locked_until and user.locked_until > clock.local_now())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    now = clock.local_now()
    row = ApiToken(token_hash=_hash(token), user_id=user.id, created_at=now, expires_at=now + TOKEN_LIFETIME)
    db.session.add(row)
    db.session.commit()
    return token, row.expires_at


def user_for_token(token: str) -> User | None:
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(token or ""))).first()
    if row is None or row.expires_at <= clock.local_now() or not row.user.active:
        return None
    return row.user
