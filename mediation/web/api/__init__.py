"""REST API v1 (DESIGN.md §8): one blueprint, a module per resource, one JSON error envelope.

Errors are always {"error": CODE, "message": TEXT, "fields": {PATH: TEXT}} (fields only for 422),
in the language of Accept-Language (zh-CN by default).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from mediation.extensions import csrf
from mediation.services.errors import BadRequest, ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated or public JSON; no cookies carry authority here


def request_lang() -> str:
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return "en" if best == "en" else "zh"


def api_error(code: str, message: str, status: int, fields: dict | None = None):
    body = {"error": code, "message": message}
    if status == 422:
        body["fields"] = fields or {}
    return jsonify(body), status


_HTTP_MESSAGES = {
    400: ("bad_request", "The request is not valid JSON or not a JSON object.", "请求内容不是有效的JSON对象。"),
    401: ("unauthorized", "Log in first: send Authorization: Bearer TOKEN.", "请先登录：请求需带Authorization: Bearer令牌。"),
    403: ("forbidden", "You may not do this.", "您无权执行此操作。"),
    404: ("not_found", "Not found.", "未找到。"),
    405: ("method_not_allowed", "This method is not allowed here.", "此处不允许该请求方法。"),
    413: ("too_large", "The request is too large (at most 1 MiB).", "请求内容过大（最多1 MiB）。"),
    429: ("rate_limited", "Too many requests; wait a minute and try again.", "请求过于频繁，请稍等一分钟再试。"),
}


def http_error(status: int):
    code, en, zh = _HTTP_MESSAGES.get(status, ("error", "Request failed.", "请求失败。"))
    return api_error(code, en if request_lang() == "en" else zh, status)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    lang = request_lang()
    return api_error(exc.code, exc.message(lang), exc.status, exc.field_messages(lang))


@bp.errorhandler(OverflowError)
def _id_out_of_range(_exc: OverflowError):
    # An id beyond the database's 64-bit range names nothing: answer as for any unknown id.
    return http_error(404)


@bp.errorhandler(HTTPException)
def _http_exception(exc: HTTPException):
    return http_error(exc.code or 500)


def json_body() -> dict:
    """The request's JSON object; a 400 ServiceError when it is not one."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.", "请求内容必须是JSON对象。")
    return data


# Resource modules register their routes on `bp` (one import per module).
from mediation.web.api import auth, public  # noqa: E402,F401
from mediation.web.api import cases  # noqa: E402,F401
from mediation.web.api import openapi  # noqa: E402,F401
from mediation.web.api import documents  # noqa: E402,F401
from mediation.web.api import reports  # noqa: E402,F401
