"""Tests for mediation.sla.calendar: 民事诉讼法 art. 85 counting over the Chinese calendar.

2026 facts (chinese_calendar 1.11): 中秋 rest 25-27 Sep; 国庆 rest 1-7 Oct;
adjusted working days Sun 20 Sep and Sat 10 Oct.
2027 is unpublished -> provisional: rest 1 Jan; 5-8 Feb; 5 Apr; 1-2 May; 9 Jun; 15 Sep; 1-3 Oct.
"""
from datetime import date

import pytest

from mediation.sla.calendar import (
    CALENDAR, WORKING, Term, compute_days_before, compute_term, compute_years_term,
    configure, is_working_day, schedule_known, schedule_source, statutory_holidays,
    term_end, years_status,
)

D = date


@pytest.fixture(autouse=True)
def _reset_config():
    configure(None)
    yield
    configure(None)


# --- terms wholly in a published (package) year -------------------------------------

def test_plain_2026_terms_not_provisional():
    # Mon 2 Mar + 5 working days: 3,4,5,6 Mar, 9 Mar (start day not counted)
    assert compute_term(D(2026, 3, 2), 5, WORKING) == Term(D(2026, 3, 9), ())
    assert compute_term(D(2026, 3, 2), 10, CALENDAR) == Term(D(2026, 3, 12), ())
    assert not compute_term(D(2026, 3, 2), 10, CALENDAR).provisional
    assert term_end(D(2026, 3, 2), 5, WORKING) == D(2026, 3, 9)


def test_working_days_across_national_day_count_adjusted_saturday():
    # 30 Sep + 3 working: 1-7 Oct rest; 8 Oct, 9 Oct, Sat 10 Oct (调休 working day)
    assert compute_term(D(2026, 9, 30), 3, WORKING) == Term(D(2026, 10, 10), ())


def test_adjusted_working_sunday_is_counted():
    # Thu 17 Sep + 3 working: Fri 18, (Sat 19 rest), Sun 20 (调休), Mon 21
    assert term_end(D(2026, 9, 17), 3, WORKING) == D(2026, 9, 21)


def test_mid_autumn_holiday_skipped():
    # Thu 24 Sep + 1 working: Fri 25 Sep is 中秋, 26-27 rest -> Mon 28
    assert term_end(D(2026, 9, 24), 1, WORKING) == D(2026, 9, 28)


def test_calendar_term_ending_on_holiday_is_postponed():
    # 17 Sep + 15 = 2 Oct (国庆) -> first working day after the holiday, 8 Oct
    assert compute_term(D(2026, 9, 17), 15, CALENDAR) == Term(D(2026, 10, 8), ())


def test_calendar_term_ending_on_adjusted_working_sunday_not_postponed():
    # 5 Sep + 15 = Sun 20 Sep, a 调休 working day -> the term ends that day
    assert term_end(D(2026, 9, 5), 15, CALENDAR) == D(2026, 9, 20)


def test_calendar_term_ending_on_ordinary_weekend_postponed():
    # 2 Mar + 5 = Sat 7 Mar -> Mon 9 Mar
    assert term_end(D(2026, 3, 2), 5, CALENDAR) == D(2026, 3, 9)


def test_zero_days():
    assert term_end(D(2026, 10, 3), 0, CALENDAR) == D(2026, 10, 8)
    assert term_end(D(2026, 10, 3), 0, WORKING) == D(2026, 10, 8)
    assert term_end(D(2026, 10, 10), 0, WORKING) == D(2026, 10, 10)  # 调休 Saturday
    assert term_end(D(2026, 3, 2), 0, WORKING) == D(2026, 3, 2)


# --- provisional years --------------------------------------------------------------

def test_2027_provisional_holidays_exact():
    assert statutory_holidays(2027) == [
        D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8),
        D(2027, 4, 5), D(2027, 5, 1), D(2027, 5, 2), D(2027, 6, 9), D(2027, 9, 15),
        D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3),
    ]
    assert schedule_source(2027) == "provisional" and not schedule_known(2027)


def test_term_into_2027_is_provisional():
    # 20 Dec 2026 + 15 = Mon 4 Jan 2027, a working day under the provisional rule
    assert compute_term(D(2026, 12, 20), 15, CALENDAR) == Term(D(2027, 1, 4), (2027,))
    assert compute_term(D(2026, 12, 20), 10, CALENDAR) == Term(D(2026, 12, 30), ())
    # Thu 31 Dec 2026 + 1 working: 1 Jan 元旦, 2-3 Jan weekend -> Mon 4 Jan
    t = compute_term(D(2026, 12, 31), 1, WORKING)
    assert t == Term(D(2027, 1, 4), (2027,)) and t.provisional


def test_working_term_across_2027_spring_festival():
    # Thu 4 Feb + 3 working: 5-8 Feb 春节 (eve Fri 5 Feb .. Mon 8 Feb) -> 9, 10, 11 Feb
    assert compute_term(D(2027, 2, 4), 3, WORKING) == Term(D(2027, 2, 11), (2027,))
    assert not is_working_day(D(2027, 2, 5)) and not is_working_day(D(2027, 2, 8))
    assert is_working_day(D(2027, 2, 9))


def test_configure_2027_replaces_provisional():
    invented = {"2027": {"holidays": ["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10",
                                      "2027-02-11", "2027-02-12"],
                         "workdays": [D(2027, 2, 20)]}}
    configure(invented)
    assert schedule_known(2027) and schedule_source(2027) == "config"
    # rest 5-14 Feb -> 15, 16, 17 Feb; no provisional flag any more
    assert compute_term(D(2027, 2, 4), 3, WORKING) == Term(D(2027, 2, 17), ())
    assert is_working_day(D(2027, 2, 20))      # configured 调休 Saturday
    assert not is_working_day(D(2027, 2, 12))
    assert is_working_day(D(2027, 4, 5))       # configured year fully replaces the rule
    configure(None)
    assert term_end(D(2027, 2, 4), 3, WORKING) == D(2027, 2, 11)
    assert not schedule_known(2027)


def test_configure_rejects_inconsistent_schedule():
    with pytest.raises(ValueError):
        configure({2027: {"holidays": ["2028-01-01"]}})
    with pytest.raises(ValueError):
        configure({2027: {"holidays": ["2027-03-01"], "workdays": ["2027-03-01"]}})


def test_configured_year_overrides_package():
    configure({2026: {"holidays": [], "workdays": []}})
    assert schedule_source(2026) == "config"
    assert is_working_day(D(2026, 10, 1))      # no holidays configured
    assert not is_working_day(D(2026, 10, 10))  # no 调休 configured


def test_sources_and_status():
    assert schedule_source(2003) == "provisional"
    assert schedule_source(2004) == "package"
    assert schedule_source(2026) == "package"
    assert years_status([2026, 2027]) == [
        {"year": 2026, "source": "package", "known": True},
        {"year": 2027, "source": "provisional", "known": False},
    ]


def test_range_limits():
    # 1950: 春节 17 Feb 1950, eve 16 Feb; 国庆 1 Oct
    assert D(1950, 2, 16) in statutory_holidays(1950)
    assert not is_working_day(D(1950, 10, 2))
    assert compute_term(D(1950, 9, 29), 1, WORKING) == Term(D(1950, 10, 4), (1950,))
    assert term_end(D(2099, 12, 1), 5, WORKING) == D(2099, 12, 8)
    assert len(statutory_holidays(2099)) == 13
    with pytest.raises(ValueError):
        is_working_day(D(2100, 1, 4))
    with pytest.raises(ValueError):
        statutory_holidays(2100)
    with pytest.raises(ValueError):
        schedule_source(1899)
    with pytest.raises(ValueError):  # Thu 31 Dec 2099 + 1 working day needs 2100
        term_end(D(2099, 12, 31), 1, WORKING)


def test_invalid_input():
    with pytest.raises(ValueError, match="unit"):
        term_end(D(2026, 3, 2), 5, "weeks")
    with pytest.raises(ValueError):
        term_end(D(2026, 3, 2), -1, CALENDAR)
    with pytest.raises(TypeError):
        term_end("2026-03-02", 5, CALENDAR)


# --- limitation periods and warnings ------------------------------------------------

def test_years_term():
    # 28 Feb 2027 is a Sunday -> Mon 1 Mar 2027, provisional
    assert compute_years_term(D(2026, 2, 28), 1) == Term(D(2027, 3, 1), (2027,))
    # 29 Feb 2024 + 1 year -> Fri 28 Feb 2025, a working day per the package
    assert compute_years_term(D(2024, 2, 29), 1) == Term(D(2025, 2, 28), ())
    # 29 Feb 2024 + 4 years -> Tue 29 Feb 2028 (leap year), provisional
    assert compute_years_term(D(2024, 2, 29), 4) == Term(D(2028, 2, 29), (2028,))


def test_days_before():
    # 3 working days back from 8 Oct 2026: 1-7 Oct rest -> 30, 29, 28 Sep
    assert compute_days_before(D(2026, 10, 8), 3, WORKING) == Term(D(2026, 9, 28), ())
    assert term_end(D(2026, 9, 28), 3, WORKING) == D(2026, 10, 8)  # inverse
    assert compute_days_before(D(2026, 10, 8), 5, CALENDAR) == Term(D(2026, 10, 3), ())
    # Tue 5 Jan 2027 back 2 working: Mon 4 Jan, (1 Jan 元旦), Thu 31 Dec 2026
    assert compute_days_before(D(2027, 1, 5), 2, WORKING) == Term(D(2026, 12, 31), (2027,))
