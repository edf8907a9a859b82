"""Organisations and staff accounts: used by the CLI, the demo seed and the admin pages."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation, User
from mediation.models.orgs import KINDS, PARENT_KIND
from mediation.models.users import LANGUAGES, ROLES
from mediation.services import errors


def create_org(code: str, name: str, kind: str, parent_code: str | None = None, *, contact: str = "",
               address: str = "", uscc: str | None = None) -> Organisation:
    """Create an organisation in the tree; the parent's kind must fit (enterprise → station → federation)."""
    if kind not in KINDS:
        raise errors.InvalidData(f"Kind must be one of {', '.join(KINDS)}.", f"类型必须是：{'、'.join(KINDS)}。")
    if db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
        raise errors.Conflict(f"An organisation with code {code} exists already.", f"代码为{code}的组织已存在。")
    parent = None
    if parent_code:
        parent = db.session.scalars(select(Organisation).where(Organisation.code == parent_code)).first()
        if parent is None:
            raise errors.NotFound(f"No organisation with code {parent_code}.", f"没有代码为{parent_code}的组织。")
    expected = PARENT_KIND[kind]
    if (parent.kind if parent else None) != expected:
        raise errors.InvalidData(
            f"A {kind} needs " + (f"a {expected} as its parent." if expected else "no parent."),
            f"{kind}的上级必须是{expected}。" if expected else f"{kind}不能有上级组织。")
    if kind == "federation" and db.session.scalar(select(Organisation.id).where(Organisation.kind == "federation")):
        raise errors.Conflict("There is one federation; it exists already.", "总工会只能有一个，已经存在。")
    org = Organisation(code=code, name=name, kind=kind, parent=parent, contact=contact, address=address, uscc=uscc)
    db.session.add(org)
    db.session.commit()
    return org


def create_user(username: str, role: str, org_code: str, password: str | None = None, *,
                display_name: str = "", email: str | None = None, language: str = "zh") -> tuple[User, str]:
    """Create a staff account; return it with its password (generated when none is given)."""
    if role not in ROLES:
        raise errors.InvalidData(f"Role must be one of {', '.join(ROLES)}.", f"角色必须是：{'、'.join(ROLES)}。")
    _check_language(language)
    org = db.session.scalars(select(Organisation).where(Organisation.code == org_code)).first()
    if org is None:
        raise errors.NotFound(f"No organisation with code {org_code}.", f"没有代码为{org_code}的组织。")
    fits = {"manager": ("federation",), "liaison": ("arbitration",), "admin": KINDS,
            "chair": ("federation", "station", "enterprise"), "mediator": ("federation", "station", "enterprise")}
    if org.kind not in fits[role]:
        raise errors.InvalidData(f"A {role} cannot belong to a {org.kind}.", f"{role}不能隶属于{org.kind}。")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise errors.Conflict(f"The username {username} is taken.", f"用户名{username}已被使用。")
    password = password or secrets.token_urlsafe(12)
    user = User(username=username, role=role, org=org, display_name=display_name or username, email=email,
                language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user, password


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise errors.InvalidData("The language must be zh (Chinese) or en (English).",
                                 "语言必须是 zh（中文）或 en（英文）。")


def set_language(user: User, language: str) -> User:
    """Set the language of a staff member's pages and notifications ("zh" or "en"); commit."""
    _check_language(language)
    user.language = language
    db.session.commit()
    return user
