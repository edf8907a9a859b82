"""`flask --app mediation notifications-deliver` and `notifications-digest`."""
from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("notifications-deliver")
    def notifications_deliver():
        """Send the pending notifications that are due (the scheduler does this every 30 s)."""
        from mediation.notifications.delivery import deliver_pending
        result = deliver_pending()
        click.echo(f"Sent {len(result.sent)}, retrying {len(result.retrying)}, failed {len(result.failed)},"
                   f" held for quiet hours {len(result.held)}.")

    @app.cli.command("notifications-digest")
    def notifications_digest():
        """Queue today's digest for managers (the scheduler does this daily at 08:00)."""
        from mediation.notifications.digest import queue_digest
        rows = queue_digest()
        click.echo(f"Queued {len(rows)} digest messages.")
