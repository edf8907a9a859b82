"""`flask --app mediation ...` commands (DESIGN.md §8). Each one parses its options and calls a service."""
from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import Flask
from flask_migrate import upgrade

from mediation.services import errors


def _fail(exc: errors.ServiceError) -> None:
    click.echo(f"Error: {exc.message('en')} / {exc.message('zh')}", err=True)
    sys.exit(1)


def register_cli(app: Flask) -> None:
    __import__("mediation.notifications.cli", fromlist=["register"]).register(app)  # notifications-deliver
    __import__("reports.cli", fromlist=["register"]).register(app)  # reports-month-end
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database schema (Alembic migrations)."""
        upgrade()
        click.echo("Database is at the latest schema.")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Create the demo tree, one account per role and ~40 cases in every state."""
        from mediation.models import Organisation
        from mediation.extensions import db
        from mediation.services.demo import seed
        if db.session.query(Organisation.id).first() is not None:
            click.echo("Error: the database already has organisations; seed-demo fills an empty one.", err=True)
            sys.exit(1)
        passwords = seed()
        click.echo("Demo data created. Accounts (username / password):")
        for username, password in passwords.items():
            click.echo(f"  {username:<16} {password}")

    @app.cli.command("create-org")
    @click.argument("code")
    @click.option("--name", required=True)
    @click.option("--kind", required=True, type=click.Choice(["federation", "station", "enterprise", "arbitration"]))
    @click.option("--parent", "parent_code", default=None, help="Code of the parent organisation.")
    @click.option("--contact", default="")
    def create_org_command(code, name, kind, parent_code, contact):
        """Create an organisation in the tree."""
        from mediation.services.orgs import create_org
        try:
            org = create_org(code, name, kind, parent_code, contact=contact)
        except errors.ServiceError as exc:
            _fail(exc)
        click.echo(f"Created {org.kind} {org.code}: {org.name}")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice(["mediator", "chair", "manager", "liaison", "admin"]))
    @click.option("--org", "org_code", required=True)
    @click.option("--password", default=None, help="Generated and printed when omitted.")
    @click.option("--language", default="zh", show_default=True, type=click.Choice(["zh", "en"]),
                  help="Language of the account's pages and notifications.")
    def create_user_command(username, role, org_code, password, language):
        """Create a staff account."""
        from mediation.services.orgs import create_user
        try:
            user, used = create_user(username, role, org_code, password, language=language)
        except errors.ServiceError as exc:
            _fail(exc)
        click.echo(f"Created {user.role} {user.username} at {org_code}.")
        if password is None:
            click.echo(f"Password: {used}")

    @app.cli.command("sla-sweep")
    @click.option("--now", "now_text", default=None, help="Sweep as of this ISO-8601 time (Beijing time).")
    def sla_sweep(now_text):
        """Run one sweep of the SLA deadlines."""
        from mediation.sla import clock
        from mediation.sla.sweeper import sweep
        now = None
        if now_text:
            try:
                now = clock.as_beijing(datetime.fromisoformat(now_text)).replace(tzinfo=None)
            except ValueError:
                click.echo(f"Error: --now {now_text!r} is not an ISO-8601 time such as 2026-12-01T09:00.", err=True)
                sys.exit(2)
        result = sweep(now)
        click.echo(f"Warned {len(result.warned)}, breached {len(result.breached)}, fired {len(result.fired)}.")
        for number, trigger in result.fired:
            click.echo(f"  {number}: {trigger}")

    @app.cli.command("scheduler")
    def scheduler_command():
        """Run the scheduler in the foreground (the sweeper every [sla] sweep_interval_seconds)."""
        from mediation.sla.scheduler import run_forever
        run_forever(app)

    @app.cli.command("calendar-reload")
    def calendar_reload():
        """Load the holiday schedules from the configuration and recompute provisional deadlines."""
        from mediation.services.calendar_admin import reload_schedules
        changes = reload_schedules()
        click.echo(f"Recomputed deadlines: {len(changes)} moved.")
        for change in changes:
            click.echo(f"  case {change['case_id']} {change['kind']}: {change['old']} → {change['new']}")

    @app.cli.command("calendar-status")
    def calendar_status():
        """List the years known, their source and how many open deadlines are provisional."""
        from mediation.services.calendar_admin import next_year_missing, status
        click.echo(f"{'year':<6}{'source':<13}{'published':<11}provisional open deadlines")
        for row in status():
            click.echo(f"{row['year']:<6}{row['source']:<13}{'yes' if row['known'] else 'no':<11}"
                       f"{row['provisional_deadlines']}")
        missing = next_year_missing()
        if missing:
            click.echo(f"Next year's ({missing}) schedule is not loaded: add [calendar.{missing}] to the config and run"
                       " `flask --app mediation calendar-reload`.")
