"""The success-rate report against the raw SQL GROUP BY on the same database (DESIGN.md §9:
≤ 1.5× the raw GROUP BY at 1,000,000 cases on PostgreSQL).

    .venv/bin/python bench/seed_cases.py --n 1000000 --database-url URL
    .venv/bin/python bench/bench_reports.py --database-url URL [--from 2025-01-01 --to 2025-12-31]
                                            [--group-by tier] [--runs 7]

Times, median of --runs after one warm-up:
  report   reports.build.success_rate: what GET /api/v1/reports/success-rate?format=json computes
           (per-group rounds + overall with each case once + group labels), through SQLAlchemy;
  raw      one hand-written GROUP BY over rounds by tier (the baseline of DESIGN §9);
  raw+     the hand-written SQL for the same figures (that GROUP BY + the COUNT(DISTINCT) overall).
The period defaults to the whole span of conclusion dates in the database.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RAW = ("SELECT tier, COUNT(*), SUM(CASE WHEN outcome = 'agreed' THEN 1 ELSE 0 END) FROM rounds"
       " WHERE ended_at >= :s AND ended_at < :e AND outcome IN ('agreed', 'failed', 'expired') GROUP BY tier")
RAW_OVERALL = ("SELECT COUNT(DISTINCT case_id), COUNT(DISTINCT CASE WHEN outcome = 'agreed' THEN case_id END)"
               " FROM rounds WHERE ended_at >= :s AND ended_at < :e AND outcome IN ('agreed', 'failed', 'expired')")


def timed(fn, runs: int) -> tuple[float, object]:
    result = fn()  # warm-up: plans, caches, pages
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--from", dest="date_from", default=None)
    parser.add_argument("--to", dest="date_to", default=None)
    parser.add_argument("--group-by", default="tier")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from sqlalchemy import text

    from mediation import create_app
    from mediation.extensions import db
    from reports.build import success_rate
    from reports.filters import ReportFilters
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "DATA_DIR": tmp,
                          "SECRET_KEY": "bench", "ENCRYPTION_KEY": "bench"})
        with app.app_context():
            conn = db.session.connection()
            if conn.dialect.name == "postgresql":
                # Fresh bulk inserts have no statistics (and a test server may run without autovacuum):
                # without them the planner probes the wrong index and any aggregate is a lottery.
                conn.execute(text("ANALYZE rounds, cases, case_categories"))
                db.session.commit()
                conn = db.session.connection()
            cases = conn.execute(text("SELECT COUNT(*) FROM cases")).scalar()
            rounds, first, last = conn.execute(text("SELECT COUNT(*), MIN(ended_at), MAX(ended_at) FROM rounds")).one()
            if not rounds:
                sys.exit("The database has no rounds: seed it first (bench/seed_cases.py).")
            as_date = lambda v: date.fromisoformat(str(v)[:10])  # noqa: E731  (SQLite gives text)
            date_from = date.fromisoformat(args.date_from) if args.date_from else as_date(first)
            date_to = date.fromisoformat(args.date_to) if args.date_to else as_date(last)
            filters = ReportFilters(date_from, date_to, args.group_by)
            params = {"s": filters.start, "e": filters.end}

            report_t, report = timed(lambda: success_rate(filters, "en"), args.runs)
            raw_t, raw_rows = timed(lambda: conn.execute(text(RAW), params).all(), args.runs)
            both_t, _ = timed(lambda: (conn.execute(text(RAW), params).all(),
                                       conn.execute(text(RAW_OVERALL), params).one()), args.runs)
            db.session.rollback()

    print(f"database: {args.database_url.split(':')[0]}, "
          f"{cases:,} cases, {rounds:,} rounds; period {date_from} to {date_to}, group by {args.group_by}")
    print(f"overall {report['overall']}; groups {len(report['groups'])}")
    if args.group_by == "tier":
        same = sorted((g["key"], g["concluded"], g["agreed"]) for g in report["groups"]) == sorted(
            (int(t), int(c), int(a or 0)) for t, c, a in raw_rows)
        print(f"report groups equal the raw GROUP BY: {same}")
    print(f"report (success_rate, as the API)        {report_t * 1000:9.1f} ms")
    print(f"raw GROUP BY by tier (baseline)          {raw_t * 1000:9.1f} ms   ratio {report_t / raw_t:5.2f}×"
          "  (target ≤ 1.5×)")
    print(f"raw SQL for the same figures (+overall)  {both_t * 1000:9.1f} ms   ratio {report_t / both_t:5.2f}×")


if __name__ == "__main__":
    main()
