"""Public endpoints: the organisation tree a filing form chooses from (more in the portal issue)."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation
from mediation.web.api import bp


@bp.get("/orgs")
def list_orgs():
    orgs = db.session.scalars(select(Organisation).where(Organisation.kind != "arbitration")
                              .order_by(Organisation.kind, Organisation.code)).all()
    return jsonify([{"code": o.code, "name": o.name, "kind": o.kind,
                     "parent": o.parent.code if o.parent else None} for o in orgs])
