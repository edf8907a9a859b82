"""Report figures over a hand-built set of cases; every expected number is worked out by hand below.

October 2026 (all filed 1 Oct 09:00; claims 12,500.50 each unless said):
  A  E01 accept, agree 11 Oct (10 days), 12,000 agreed          tier 1 agreed (round 1)
  B  E01 accept, fail 5 Oct → S01 accept, agree 21 Oct (20 d)   tier 1 failed, tier 2 agreed, 8,000
     categories wages + overtime
  C  S01 (filed with no committee) accept, fail 31 Oct (30 d) → F01 (open)   tier 2 failed; pending
  D  E03 accept, withdraw 3 Oct                                 excluded (withdrawn)
  E  E03 reject 1 Oct                                           excluded (rejected)
  F  E04 accept, agree 2 Nov                                    November, not October
  G  E03 collective, claim 50,000, accept, agree 16 Oct (15 d), 30,000 agreed   tier 1 agreed
Rounds concluded in October: A1 ok, B1 x, B2 ok, C1 x, G1 ok → tier 1 2/3, tier 2 1/2.
Cases concluded: A, B, C, G; settled A, B, G → 3/4 = 0.7500; settled in their first round: A, G → 2/4.
Days to conclusion 10, 15, 20, 30 → median 17.5; p90 at 1 + 0.9·3 = 3.7 → 20 + 0.7·10 = 27.0.
Mediation terms (15 days from a round's receipt) falling due in October: A1, B1, G1 met; B2 (due
20 Oct, agreed 21 Oct), C1 (due 16 Oct, failed 31 Oct), F1 (due 16 Oct, agreed 2 Nov) breached.
"""
from __future__ import annotations

import functools
from datetime import datetime

import pytest

from mediation.extensions import db
from mediation.services import lifecycle
from mediation.services.errors import Forbidden, InvalidData
from reports.build import full_report, success_rate
from reports.filters import month_range, parse_filters, preset_range
from tests.conftest import walk

OCT = {"from": "2026-10-01", "to": "2026-10-31"}


def at(clock, *args):
    clock.freeze(datetime(2026, *args))


@pytest.fixture
def october(make_case, orgs, clock, monkeypatch):
    """The cases of the module docstring, with the clock moved to place each step."""
    # Documents (rendered after each commit) play no part in the figures; skipping them keeps this fast.
    monkeypatch.setattr(lifecycle, "AFTER_COMMIT", [])
    at(clock, 10, 1, 9, 0)
    make_case = functools.partial(make_case, dispute_date="2026-09-20")
    cases = {}
    cases["A"] = make_case("E01", "accept")
    cases["B"] = make_case("E01", "accept", categories=["wages", "overtime"])
    cases["C"] = make_case(None, "accept")
    cases["D"] = make_case("E03", "accept")
    cases["E"] = make_case("E03", "reject")
    cases["F"] = make_case("E04", "accept")
    cases["G"] = make_case("E03", claims=[{"item": "集体欠薪", "amount": "50000"}])
    cases["G"].is_collective = True
    walk(cases["G"], "accept", orgs)
    at(clock, 10, 3, 9, 0)
    walk(cases["D"], "withdraw", orgs)
    at(clock, 10, 5, 9, 0)
    walk(cases["B"], "fail", orgs)          # consent given at filing: goes up to S01 at once
    walk(cases["B"], "accept", orgs)
    at(clock, 10, 11, 9, 0)
    walk(cases["A"], "agree", orgs, amount_agreed="12000")
    at(clock, 10, 16, 9, 0)
    walk(cases["G"], "agree", orgs, amount_agreed="30000")
    at(clock, 10, 21, 9, 0)
    walk(cases["B"], "agree", orgs, amount_agreed="8000")
    at(clock, 10, 31, 9, 0)
    walk(cases["C"], "fail", orgs)
    at(clock, 11, 2, 9, 0)
    walk(cases["F"], "agree", orgs, amount_agreed="5000")
    db.session.commit()
    at(clock, 11, 25, 10, 0)
    return cases


def report_for(user, **args):
    return full_report(parse_filters({**OCT, **args}, user), "zh")


def test_success_rate_per_tier_and_overall(october, orgs):
    report = report_for(orgs.users["manager"])
    assert report["overall"] == {"concluded": 4, "agreed": 3, "rate": "0.7500"}
    assert [(g["key"], g["concluded"], g["agreed"], g["rate"]) for g in report["groups"]] == [
        (1, 3, 2, "0.6667"), (2, 2, 1, "0.5000")]
    assert report["groups"][0]["label"] == "企业调委会（第一级）"


def test_summary_volumes_speed_amounts(october, orgs):
    summary = report_for(orgs.users["manager"])["summary"]
    assert summary == {
        "received": 7, "accepted": 6, "concluded": 4, "pending": 2, "agreed": 3,
        "first_round_agreed": 2, "first_round_share": "0.5000",
        "median_days": 17.5, "p90_days": 27.0,
        "collective": 1, "collective_agreed": 1,
        "amount_claimed": "87501.50", "amount_agreed": "50000.00"}


def test_sla_compliance_and_arbitration(october, orgs, make_case, clock):
    report = report_for(orgs.users["manager"])
    mediation = next(row for row in report["sla"] if row["kind"] == "mediation")
    assert (mediation["met"], mediation["breached"], mediation["rate"]) == (3, 3, "0.5000")
    assert report["arbitration"] == []
    at(clock, 11, 3, 9, 0)
    walk(october["C"], "accept", orgs)
    walk(october["C"], "fail", orgs)
    walk(october["C"], "hand_to_arbitration", orgs)
    at(clock, 11, 4, 9, 0)
    walk(october["C"], "arbitration_receive", orgs)
    walk(october["C"], "arbitration_close", orgs, outcome="arbitral_mediation")
    nov = full_report(parse_filters({"from": "2026-11-01", "to": "2026-11-30"}, orgs.users["manager"]), "en")
    assert [(r["outcome"], r["cases"], r["label"]) for r in nov["arbitration"]] == [
        ("arbitral_mediation", 1, "Arbitral mediation")]
    # November: F agreed at E04, C failed at F01 → rounds 1/2, cases 1/2.
    assert nov["overall"] == {"concluded": 2, "agreed": 1, "rate": "0.5000"}


@pytest.mark.parametrize("group_by, expected", [
    ("org", [("S01", 2, 1, "0.5000"), ("E01", 2, 1, "0.5000"), ("E03", 1, 1, "1.0000")]),
    ("category", [("overtime", 2, 1, "0.5000"), ("wages", 5, 3, "0.6000")]),
    ("channel", [("online", 4, 2, "0.5000"), ("referral", 1, 1, "1.0000")]),
    ("month", [("2026-10", 5, 3, "0.6000")]),
])
def test_groupings(october, orgs, group_by, expected):
    groups = report_for(orgs.users["manager"], group_by=group_by)["groups"]
    assert [(g["key"], g["concluded"], g["agreed"], g["rate"]) for g in groups] == expected


def test_periods_by_conclusion_date(october, orgs):
    manager = orgs.users["manager"]
    by_quarter = success_rate(parse_filters({"from": "2026-10-01", "to": "2026-12-31", "group_by": "quarter"},
                                            manager))
    assert by_quarter["groups"] == [{"key": "2026-Q4", "label": "2026-Q4", "concluded": 6, "agreed": 4,
                                     "rate": "0.6667"}]
    by_month = success_rate(parse_filters({"from": "2026-10-01", "to": "2026-11-30", "group_by": "month"}, manager))
    assert [(g["key"], g["concluded"], g["agreed"]) for g in by_month["groups"]] == [("2026-10", 5, 3),
                                                                                    ("2026-11", 1, 1)]
    assert by_month["overall"] == {"concluded": 5, "agreed": 4, "rate": "0.8000"}


def test_station_sees_its_subtree_only(october, orgs):
    report = report_for(orgs.users["chair:S01"])
    assert report["overall"] == {"concluded": 3, "agreed": 2, "rate": "0.6667"}
    assert report["scope"]["org"] == "S01"
    nothing = report_for(orgs.users["chair:E02"])
    assert nothing["overall"] == {"concluded": 0, "agreed": 0, "rate": None}
    assert nothing["groups"] == [] and nothing["summary"]["median_days"] is None


def test_filters_by_tier_org_mediator_category(october, orgs):
    manager = orgs.users["manager"]
    assert report_for(manager, tier="2")["overall"] == {"concluded": 2, "agreed": 1, "rate": "0.5000"}
    assert report_for(manager, org="S02")["overall"] == {"concluded": 1, "agreed": 1, "rate": "1.0000"}
    assert report_for(manager, category="overtime")["overall"] == {"concluded": 1, "agreed": 1, "rate": "1.0000"}
    assert report_for(manager, channel="referral")["overall"]["concluded"] == 1


def test_bad_filters_are_named_field_by_field(orgs):
    with pytest.raises(InvalidData) as caught:
        parse_filters({"from": "2026-13-01", "to": "x", "group_by": "colour", "tier": "4"}, orgs.users["manager"])
    assert set(caught.value.fields) == {"from", "to", "group_by", "tier"}
    with pytest.raises(InvalidData) as caught:
        parse_filters({"from": "2026-10-31", "to": "2026-10-01"}, orgs.users["manager"])
    assert caught.value.field_messages("zh") == {"to": "结束日期早于开始日期。"}
    with pytest.raises(InvalidData) as caught:
        parse_filters({"org": "S02"}, orgs.users["chair:S01"])
    assert "org" in caught.value.fields
    for role in ("liaison", "admin"):
        with pytest.raises(Forbidden):
            parse_filters({}, orgs.users[role])


def test_period_presets():
    today = datetime(2026, 1, 15).date()
    assert preset_range("last_month", today) == (datetime(2025, 12, 1).date(), datetime(2025, 12, 31).date())
    assert preset_range("last_quarter", today) == (datetime(2025, 10, 1).date(), datetime(2025, 12, 31).date())
    assert preset_range("this_quarter", today) == (datetime(2026, 1, 1).date(), datetime(2026, 3, 31).date())
    assert preset_range("this_year", today) == (datetime(2026, 1, 1).date(), datetime(2026, 12, 31).date())
    assert month_range("2024-02") == (datetime(2024, 2, 1).date(), datetime(2024, 2, 29).date())
