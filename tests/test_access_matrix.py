"""The access matrix: every role at every organisation × a case at each tier × every action.

The expected answers are the table below (EXPECTED): for each case and action, the users allowed;
everyone else must be refused. "view" and "download" go through the desk's pages (200 vs 404: a case
one may not see answers as if it did not exist); "reveal_id" through its page (200 allowed, 403 or
404 refused); each trigger is allowed when it is among available_triggers(case, user) and
policy.can_fire agrees.
"""
from __future__ import annotations

import pytest

from mediation.extensions import db as _db
from mediation.models import Document
from mediation.services import policy
from mediation.services.lifecycle import available_triggers
from tests.conftest import walk
from tests.desk_support import login_as
from workflows.lifecycle import TRIGGER_NAMES

ORG_CODES = ("F01", "S01", "S02", "E01", "E02", "E03", "E04")
USERS = [f"{role}:{code}" for code in ORG_CODES for role in ("chair", "mediator")] + ["manager", "liaison", "admin"]


def staff(*codes: str) -> set[str]:
    return {f"{role}:{code}" for code in codes for role in ("chair", "mediator")}


# How each case is made: (organisation filed at, triggers walked, then the assigned mediator if any).
CASES = {
    "tier1_mediating_E01": ("E01", ("accept",), "mediator:E01"),
    "tier1_submitted_E03": ("E03", (), None),
    "tier2_submitted_S01": ("E01", ("accept", "fail"), None),  # escalated with the worker's consent
    "tier3_failed_F01": ("E01", ("accept", "fail", "accept", "fail", "accept", "fail"), None),
    "arbitration_from_F01": ("E01", ("accept", "fail", "accept", "fail", "accept", "fail", "hand_to_arbitration"),
                             None),
}

# (case, action) → users allowed; every action not listed is allowed to nobody.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("tier1_mediating_E01", "view"): staff("E01", "S01", "F01") | {"manager"},
    ("tier1_mediating_E01", "download"): staff("E01", "S01", "F01") | {"manager"},
    ("tier1_mediating_E01", "reveal_id"): staff("E01") | {"manager"},
    ("tier1_mediating_E01", "agree"): staff("E01"),
    ("tier1_mediating_E01", "extend"): staff("E01"),
    ("tier1_mediating_E01", "fail"): staff("E01"),
    ("tier1_mediating_E01", "withdraw"): staff("E01"),

    ("tier1_submitted_E03", "view"): staff("E03", "S02", "F01") | {"manager"},
    ("tier1_submitted_E03", "download"): staff("E03", "S02", "F01") | {"manager"},
    ("tier1_submitted_E03", "reveal_id"): staff("E03") | {"manager"},
    ("tier1_submitted_E03", "accept"): {"chair:E03"},
    ("tier1_submitted_E03", "reject"): {"chair:E03"},
    ("tier1_submitted_E03", "withdraw"): {"chair:E03"},  # no mediator assigned yet

    ("tier2_submitted_S01", "view"): staff("E01", "S01", "F01") | {"manager"},
    ("tier2_submitted_S01", "download"): staff("E01", "S01", "F01") | {"manager"},
    ("tier2_submitted_S01", "reveal_id"): staff("S01") | {"manager"},
    ("tier2_submitted_S01", "accept"): {"chair:S01"},
    ("tier2_submitted_S01", "reject"): {"chair:S01"},
    ("tier2_submitted_S01", "withdraw"): {"chair:S01"},

    ("tier3_failed_F01", "view"): staff("E01", "S01", "F01") | {"manager"},
    ("tier3_failed_F01", "download"): staff("E01", "S01", "F01") | {"manager"},
    ("tier3_failed_F01", "reveal_id"): staff("F01") | {"manager"},
    ("tier3_failed_F01", "hand_to_arbitration"): {"chair:F01", "manager"},

    ("arbitration_from_F01", "view"): staff("E01", "S01", "F01") | {"manager", "liaison"},
    ("arbitration_from_F01", "download"): staff("E01", "S01", "F01") | {"manager", "liaison"},
    ("arbitration_from_F01", "reveal_id"): staff("F01") | {"manager"},
    ("arbitration_from_F01", "arbitration_receive"): {"liaison"},
    ("arbitration_from_F01", "arbitration_return"): {"liaison"},
}
ACTIONS = ("view", "download", "reveal_id", *TRIGGER_NAMES)


def _make(case_key, make_case, orgs, app):
    org, triggers, mediator = CASES[case_key]
    case = make_case(org)
    for trigger in triggers:
        data = {"mediator_id": orgs.users[mediator].id} if trigger == "accept" and mediator else {}
        walk(case, trigger, orgs, **data)
    (app.config["DATA_DIR"] / f"matrix-{case.id}.pdf").write_bytes(b"%PDF-1.4 matrix")
    doc = Document(case_id=case.id, kind="acceptance_notice", status="issued", path=f"matrix-{case.id}.pdf",
                   created_at=case.filed_at)
    _db.session.add(doc)
    _db.session.commit()
    return case, doc


def _allowed(client, user, case, doc, action) -> bool:
    if action == "view":
        status = client.get(f"/desk/cases/{case.number}").status_code
        assert status in (200, 404), status
        return status == 200
    if action == "download":
        response = client.get(f"/desk/documents/{doc.id}.pdf")
        response.close()
        assert response.status_code in (200, 404), response.status_code
        return response.status_code == 200
    if action == "reveal_id":
        status = client.post(f"/desk/cases/{case.number}/parties/{case.parties[0].id}/reveal").status_code
        assert status in (200, 403, 404), status
        assert (status == 200) == policy.can_reveal_id(user, case)
        return status == 200
    offered = action in available_triggers(case, user)
    assert not offered or policy.can_fire(user, action, case)
    return offered


@pytest.mark.parametrize("case_key", list(CASES))
def test_access_matrix(case_key, client, orgs, make_case, app):
    case, doc = _make(case_key, make_case, orgs, app)
    mismatches = []
    for user_key in USERS:
        user = orgs.users[user_key]
        login_as(client, user)
        for action in ACTIONS:
            expected = user_key in EXPECTED.get((case_key, action), set())
            _db.session.expire_all()
            got = _allowed(client, user, case, doc, action)
            if got != expected:
                mismatches.append(f"{user_key} {action}: expected {'allowed' if expected else 'refused'}")
    assert not mismatches, f"{case_key}:\n" + "\n".join(mismatches)


def test_matrix_table_covers_every_case_and_names_real_users():
    assert {case for case, _ in EXPECTED} == set(CASES)
    assert set().union(*EXPECTED.values()) <= set(USERS)
    assert {action for _, action in EXPECTED} <= set(ACTIONS)
