"""`flask --app mediation documents-regenerate`: issue the documents left pending by a failure."""
from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("documents-regenerate")
    @click.option("--id", "ids", type=int, multiple=True, help="Only this document (repeatable).")
    def documents_regenerate(ids):
        """Render every pending document (or those given) and report the ones that still fail."""
        from mediation.documents.render import render_pending
        from mediation.extensions import db
        from mediation.models import Document
        result = render_pending(list(ids) or None)
        click.echo(f"Issued {len(result['issued'])}, still pending {len(result['failed'])}.")
        for doc_id in result["failed"]:
            document = db.session.get(Document, doc_id)
            click.echo(f"  {document.number or doc_id}: {document.error}")
        if result["failed"]:
            raise SystemExit(1)
