"""`flask --app mediation reports-month-end [--month YYYY-MM]`."""
from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("reports-month-end")
    @click.option("--month", default=None, help="The month to report, YYYY-MM (default: last month).")
    def reports_month_end(month):
        """Generate and store the federation's month-end report (PDF and XLSX)."""
        from reports.archive import generate_month_end
        if month:
            try:
                datetime.strptime(month, "%Y-%m")
            except ValueError:
                click.echo(f"Error: --month {month!r} is not a month such as 2026-10.", err=True)
                sys.exit(2)
        try:
            stored = generate_month_end(month)
        except LookupError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        click.echo(f"Stored the {stored.period} report: {stored.pdf_path}, {stored.xlsx_path}")
