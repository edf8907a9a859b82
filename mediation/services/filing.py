"""file_complaint: a worker's application becomes a case at its first mediation organisation.

One function for every channel (portal, API, the desk's walk-in/hotline registration): the same
validation (DESIGN.md §8), every bad field reported at once, and nothing written unless all is valid.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from mediation import crypto
from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseCategory, CaseEvent, Claim, Organisation, Party
from mediation.models.cases import CATEGORIES, CATEGORY_LABELS, CHANNELS, COLLECTIVE_MIN
from mediation.services import errors
from mediation.services.actors import actor_label
from mediation.services.callbacks import open_round
from mediation.services.events import record
from mediation.services.numbering import next_value
from mediation.sla import clock, deadlines

MAX_APPLICANTS = 1000
MAX_FACTS = 10_000


@dataclass(frozen=True)
class Filed:
    case: Case
    #: Shown once to the worker; only its HMAC is stored.
    query_code: str


def _require_list(data: dict, key: str, problems: v.ValidationErrors, *, en: str, zh: str, most: int) -> list:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        problems.add(key, v.FieldError(f"{key}.required", f"Add at least one {en}.", f"请至少填写一项{zh}。"))
        return []
    if len(items) > most:
        problems.add(key, v.FieldError(f"{key}.too_many", f"At most {most} {en} entries.", f"{zh}最多{most}项。"))
        return []
    return items


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


#: Kinds of organisation whose own staff register cases there (walk-ins, 12351 calls, reception days).
STAFF_FILING_KINDS = ("station", "federation")


def may_file_at(org: Organisation, actor=None) -> bool:
    """Anyone may choose an enterprise committee; staff may also file at their own station or centre."""
    if org.kind == "enterprise":
        return True
    return org.kind in STAFF_FILING_KINDS and org.id == getattr(actor, "org_id", None)


def resolve_org(code: str | None, respondent_uscc: str | None, actor=None) -> Organisation | None:
    """The chosen organisation if the filer may choose it, else the station covering the zone (DESIGN.md §8)."""
    if code:
        org = db.session.scalars(select(Organisation).where(Organisation.code == code)).first()
        return org if org is not None and may_file_at(org, actor) else None
    if respondent_uscc:
        employer = db.session.scalars(select(Organisation).where(Organisation.uscc == respondent_uscc)).first()
        if employer is not None and employer.parent is not None:
            return employer.parent
    default = current_app.config["MEDIATION"]["app"].get("default_station")
    query = select(Organisation).where(Organisation.kind == "station")
    if default:
        query = query.where(Organisation.code == default)
    return db.session.scalars(query.order_by(Organisation.code)).first()


def _org_not_allowed(actor) -> v.FieldError:
    if actor is None:
        return v.FieldError("org.unknown", "Choose an enterprise committee from the list.",
                            "请从列表中选择企业调解委员会。")
    return v.FieldError("org.unknown", "Choose your own organisation or an enterprise committee from the list.",
                        "请从列表中选择本单位或企业调解委员会。")


def validate_complaint(data, actor=None) -> dict:
    """Return the complaint validated and normalised, or raise InvalidData with every field's error.

    `actor` is the staff User registering it at the desk, None for a worker filing online."""
    if not isinstance(data, dict):
        raise errors.BadRequest("The request must be a JSON object.", "请求内容必须是JSON对象。")
    today = clock.today()
    problems = v.ValidationErrors()
    clean: dict = {"applicants": [], "claims": []}

    applicants = _require_list(data, "applicants", problems, en="applicant", zh="申请人", most=MAX_APPLICANTS)
    for i, raw in enumerate(applicants):
        raw, path = _obj(raw), f"applicants[{i}]"
        person: dict = {"representative": bool(raw.get("representative"))}
        with problems.field(f"{path}.name"):
            person["name"] = v.parse_text(raw.get("name"), max_length=100, label_en="Name", label_zh="姓名")
        with problems.field(f"{path}.id_number"):
            person["id"] = v.parse_id_number(raw.get("id_number"), today=today)
        with problems.field(f"{path}.phone"):
            person["phone"] = v.parse_mobile(raw.get("phone"))
        with problems.field(f"{path}.address"):
            person["address"] = v.parse_text(raw.get("address"), max_length=300, label_en="Address", label_zh="住址")
        with problems.field(f"{path}.email"):
            person["email"] = v.parse_text(raw.get("email"), required=False, max_length=200,
                                           label_en="E-mail", label_zh="电子邮箱") or None
        clean["applicants"].append(person)
    if len(applicants) >= COLLECTIVE_MIN and not any(p["representative"] for p in clean["applicants"]):
        problems.add("applicants", v.FieldError(
            "applicants.representative", "Ten or more workers form a collective dispute: mark at least one"
            " elected representative (Labour Dispute Mediation and Arbitration Law art. 7).",
            "十人以上为集体劳动争议，请至少推举一名代表（《劳动争议调解仲裁法》第七条）。"))

    respondent, path = _obj(data.get("respondent")), "respondent"
    with problems.field(f"{path}.name"):
        clean["respondent_name"] = v.parse_text(respondent.get("name"), max_length=200,
                                                label_en="Employer name", label_zh="用人单位名称")
    clean["respondent_uscc"] = None
    if respondent.get("uscc"):
        with problems.field(f"{path}.uscc"):
            clean["respondent_uscc"] = v.parse_uscc(respondent.get("uscc"))
    for key, en, zh in (("address", "Employer address", "用人单位地址"), ("contact", "Employer contact", "用人单位联系方式"),
                        ("legal_rep", "Legal representative", "法定代表人")):
        with problems.field(f"{path}.{key}"):
            clean[f"respondent_{key}"] = v.parse_text(respondent.get(key), required=False, max_length=300,
                                                      label_en=en, label_zh=zh) or ""

    categories = _require_list(data, "categories", problems, en="dispute category", zh="争议类型", most=len(CATEGORIES))
    clean["categories"] = []
    for i, raw in enumerate(categories):
        with problems.field(f"categories[{i}]"):
            category = v.parse_choice(raw, CATEGORY_LABELS, label_en="Dispute category", label_zh="争议类型")
            if category not in clean["categories"]:
                clean["categories"].append(category)

    for i, raw in enumerate(_require_list(data, "claims", problems, en="claim", zh="请求事项", most=100)):
        raw, claim = _obj(raw), {}
        with problems.field(f"claims[{i}].item"):
            claim["item"] = v.parse_text(raw.get("item"), max_length=300, label_en="Claim", label_zh="请求事项")
        with problems.field(f"claims[{i}].amount"):
            claim["amount"] = v.parse_amount(raw.get("amount", "0"))
        clean["claims"].append(claim)

    with problems.field("facts"):
        clean["facts"] = v.parse_text(data.get("facts"), max_length=MAX_FACTS, label_en="Facts and reasons",
                                      label_zh="事实与理由")
    with problems.field("dispute_date"):
        clean["dispute_date"] = v.parse_date(data.get("dispute_date"), not_future=True, today=today)
    consent = data.get("escalation_consent", False)
    if not isinstance(consent, bool):
        problems.add("escalation_consent", v.FieldError("bool.format", "Answer yes or no.", "请选择“是”或“否”。"))
    clean["escalation_consent"] = consent is True
    if data.get("pipl_consent") is not True:
        problems.add("pipl_consent", v.FieldError(
            "pipl_consent.required", "Please read and accept the notice on personal information to file.",
            "请阅读并同意个人信息处理告知，才能提交申请。"))

    clean["org"] = resolve_org(data.get("org"), clean.get("respondent_uscc"), actor)
    if data.get("org") and clean["org"] is None:
        problems.add("org", _org_not_allowed(actor))
    elif clean["org"] is None:
        problems.add("org", v.FieldError("org.none", "No service station is set up yet; call the hotline.",
                                         "尚未设立工会服务站，请拨打热线。"))
    if problems:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=problems.errors)
    return clean


def file_complaint(data, *, channel: str = "online", actor=None, language: str = "zh") -> Filed:
    """Validate and file a complaint; commit and return the case with its one-time query code."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    clean = validate_complaint(data, actor)
    now = clock.local_now()
    org: Organisation = clean["org"]
    prefix = current_app.config["MEDIATION"]["app"]["case_number_prefix"]
    try:
        sequence = next_value(f"case:{org.code}", now.year)
        query_code = crypto.new_query_code()
        case = Case(number=f"{prefix}-{org.code}-{now.year}-{sequence:05d}",
                    query_code_hash=crypto.hash_query_code(query_code), channel=channel, state="submitted",
                    org_id=org.id, tier=org.tier, filed_at=now, dispute_date=clean["dispute_date"],
                    facts=clean["facts"], escalation_consent=clean["escalation_consent"], pipl_consent_at=now,
                    language="en" if language.startswith("en") else "zh",
                    is_collective=len(clean["applicants"]) >= COLLECTIVE_MIN,
                    respondent_name=clean["respondent_name"], respondent_uscc=clean["respondent_uscc"],
                    respondent_address=clean["respondent_address"], respondent_contact=clean["respondent_contact"],
                    respondent_legal_rep=clean["respondent_legal_rep"])
        case.parties = [Party(name=p["name"], id_number_encrypted=crypto.encrypt(p["id"].value),
                              id_number_masked=p["id"].masked, birth_date=p["id"].birth_date, sex=p["id"].sex,
                              phone=p["phone"], address=p["address"], email=p["email"],
                              is_representative=p["representative"]) for p in clean["applicants"]]
        case.claims = [Claim(item=c["item"], amount=c["amount"]) for c in clean["claims"]]
        case.category_rows = [CaseCategory(category=c) for c in clean["categories"]]
        db.session.add(case)
        db.session.flush()
        open_round(case, org, channel, now)
        deadlines.start_state_timers(case, "submitted", now)
        # The limitation period runs from the dispute; this application interrupts it (art. 27).
        deadlines.start(case, "limitation", start_date=clean["dispute_date"])
        deadlines.refresh_next_due(case)
        case._query_code = query_code  # transient: the receipt SMS needs it (only its hash is stored)
        record(case, CaseEvent(case_id=case.id, at=now, kind="filed", actor_id=getattr(actor, "id", None),
                               actor_label=actor_label(actor) if actor else "worker", to_state="submitted",
                               data={"channel": channel, "org": org.code}, public=True))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return Filed(case=case, query_code=query_code)
