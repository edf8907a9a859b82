"""POST /api/v1/tokens and the bearer-token guard every non-public endpoint uses."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from mediation.services.auth import authenticate, issue_token, user_for_token
from mediation.sla.clock import as_beijing
from mediation.web.api import api_error, bp, json_body, request_lang
from mediation.web.ratelimit import limiter, login_limit


@bp.post("/tokens")
@limiter.limit(login_limit)
def create_token():
    body = json_body()
    user = authenticate(str(body.get("username", "")), str(body.get("password", "")))
    if user is None:
        en, zh = "Wrong username or password, or the account is locked.", "用户名或密码错误，或账户已被锁定。"
        return api_error("unauthorized", en if request_lang() == "en" else zh, 401)
    token, expires_at = issue_token(user)
    return jsonify({"token": token, "expires_at": as_beijing(expires_at).isoformat()}), 201


def token_required(view):
    """Resolve `Authorization: Bearer TOKEN` to g.api_user, or answer 401."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        user = user_for_token(header[7:].strip()) if header.startswith("Bearer ") else None
        if user is None:
            en, zh = "Log in first: send Authorization: Bearer TOKEN.", "请先登录：请求需带Authorization: Bearer令牌。"
            return api_error("unauthorized", en if request_lang() == "en" else zh, 401)
        g.api_user = user
        return view(*args, **kwargs)
    return wrapper
