"""The filing form: HTML form fields ↔ the API's complaint body, and error paths ↔ form fields.

Field names mirror the API paths: applicants[0].id_number is the input "applicants-0-id_number".
Blank co-applicant and claim rows (beyond the first) are dropped; `rows` remembers which form row
each kept entry came from, so an error on applicants[1] lands on the row the worker typed it in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

APPLICANT_FIELDS = ("name", "id_number", "phone", "address")
RESPONDENT_FIELDS = ("name", "uscc", "address", "contact")
CLAIM_FIELDS = ("item", "amount")


@dataclass
class ComplaintForm:
    values: dict = field(default_factory=dict)
    applicant_rows: int = 1
    claim_rows: int = 1
    #: form row index of each entry of the body's lists
    rows: dict = field(default_factory=lambda: {"applicants": [], "claims": []})
    errors: dict = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def error(self, name: str) -> str | None:
        return self.errors.get(name)


def _row_count(form, prefix: str, declared: str) -> int:
    indices = [int(m.group(1)) for key in form for m in [re.match(rf"{prefix}-(\d+)-", key)] if m]
    try:
        declared_rows = int(form.get(declared, "1"))
    except ValueError:
        declared_rows = 1
    return min(max([declared_rows, *(i + 1 for i in indices), 1]), 1000)


def from_request(form) -> ComplaintForm:
    """Read the posted form into a ComplaintForm (what to show again) and nothing else."""
    values = {key: form.get(key, "") for key in form if key not in ("csrf_token", "categories")}
    values["categories"] = form.getlist("categories")
    return ComplaintForm(values=values, applicant_rows=_row_count(form, "applicants", "applicant_rows"),
                         claim_rows=_row_count(form, "claims", "claim_rows"))


def _blank(values: dict, prefix: str, fields: tuple[str, ...]) -> bool:
    return not any(values.get(f"{prefix}-{name}", "").strip() for name in fields)


def to_body(f: ComplaintForm) -> dict:
    """The complaint as the API takes it (DESIGN.md §8), built from the form."""
    v = f.values
    applicants, claims = [], []
    f.rows = {"applicants": [], "claims": []}
    for i in range(f.applicant_rows):
        prefix = f"applicants-{i}"
        if i and _blank(v, prefix, APPLICANT_FIELDS):
            continue
        f.rows["applicants"].append(i)
        applicants.append({**{name: v.get(f"{prefix}-{name}", "") for name in APPLICANT_FIELDS},
                           "representative": bool(v.get(f"{prefix}-representative"))})
    for i in range(f.claim_rows):
        prefix = f"claims-{i}"
        if i and _blank(v, prefix, CLAIM_FIELDS):
            continue
        f.rows["claims"].append(i)
        # A claim without money (e.g. paying social insurance) is 0 yuan.
        claims.append({"item": v.get(f"{prefix}-item", ""), "amount": v.get(f"{prefix}-amount", "").strip() or "0"})
    respondent = {name: v.get(f"respondent-{name}", "") for name in RESPONDENT_FIELDS}
    if not respondent["uscc"].strip():
        respondent.pop("uscc")
    return {"applicants": applicants, "respondent": respondent, "org": v.get("org") or None,
            "categories": v.get("categories") or [], "claims": claims, "facts": v.get("facts", ""),
            "dispute_date": v.get("dispute_date", ""), "escalation_consent": bool(v.get("escalation_consent")),
            "pipl_consent": bool(v.get("pipl_consent"))}


def field_name(f: ComplaintForm, path: str) -> str:
    """The form field an error path belongs to: applicants[1].phone → applicants-<row>-phone."""
    m = re.fullmatch(r"(applicants|claims)\[(\d+)\]\.(\w+)", path)
    if m:
        group, index, name = m.group(1), int(m.group(2)), m.group(3)
        rows = f.rows.get(group) or []
        row = rows[index] if index < len(rows) else index
        return f"{group}-{row}-{name}"
    if path.startswith("categories"):
        return "categories"
    return path.replace(".", "-")


def add_errors(f: ComplaintForm, messages: dict[str, str]) -> None:
    for path, message in messages.items():
        f.errors.setdefault(field_name(f, path), message)
