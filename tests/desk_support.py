"""Helpers shared by the desk tests: logging a test client in without a password round-trip."""
from __future__ import annotations


def login_as(client, user) -> None:
    """Put the user in the client's session as Flask-Login does after a login."""
    from mediation.sla import clock
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["last_seen"] = clock.now().timestamp()
