"""The mediator desk: the queue, the case page and its actions, registration of walk-in cases.

Every page needs a logged-in staff member; what each may see and do is decided in
mediation.services.policy, never here.
"""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.before_request
@login_required
def _require_login() -> None:
    return None


from mediation.web.desk import case_views, views  # noqa: E402,F401
