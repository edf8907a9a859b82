"""The desk queue page (mediation.services.queue) against the raw indexed SQL for the same page
(DESIGN.md §9: p95 ≤ 50 ms and ≤ 2× the raw query at 1,000,000 cases on PostgreSQL).

    .venv/bin/python bench/seed_cases.py --n 1000000 --database-url URL
    .venv/bin/python bench/bench_queue.py --database-url URL [--pages 200] [--explain]

For each actor (the federation's manager, who sees every case, and the chair of enterprise E01,
whose scope is a policy clause) and each filter combination (state, tier, category, free text on
the case number; sorted by next deadline; pages 1 and 50), after one warm-up, --pages timed runs of:
  queue   case_queue(actor, filters): the COUNT, the page SELECT and the eager loads of the rows;
  raw     one hand-written SELECT ... WHERE (same conditions) ORDER BY next_due LIMIT/OFFSET;
  raw+    that SELECT and its COUNT(*) (what a hand-written page needs too).
Each line prints p50 and p95 and the ratio of the p95s. Then GET /desk/ rendered through the Flask
test client (session login), p50/p95. --explain prints the plans of the queue's own statements.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_config, prepare_database  # noqa: E402

from sqlalchemy import event, func, select, text

PER_PAGE = 25
#: (label, filters as the desk's query string gives them); every one sorted by next deadline.
COMBOS = [
    ("all", {}),
    ("state=mediating", {"state": "mediating"}),
    ("state=performed", {"state": "performed"}),
    ("tier=2", {"tier": "2"}),
    ("category=wages", {"category": "wages"}),
    ("state+tier+category", {"state": "performed", "tier": "1", "category": "wages"}),
    ("q=case number", {"q": "BENCH-00012"}),
]


def pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, runs: int, after=None) -> tuple[list[float], object]:
    result = fn()  # warm-up: plans, caches, pages
    if after:
        after()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if after:
            after()
    return times, result


def raw_where(dialect: str, actor_org_id: int | None, args: dict) -> tuple[str, dict]:
    """The same conditions as queue._conditions, by hand."""
    where, params = [], {}
    if actor_org_id is not None:
        where.append("(c.org_id = :aorg OR c.org_id IN (SELECT id FROM organisations WHERE parent_id = :aorg)"
                     " OR EXISTS (SELECT 1 FROM rounds r WHERE r.case_id = c.id AND r.org_id = :aorg))")
        params["aorg"] = actor_org_id
    if args.get("state"):
        where.append("c.state = :state")
        params["state"] = args["state"]
    if args.get("tier"):
        where.append("c.tier = :tier")
        params["tier"] = int(args["tier"])
    if args.get("category"):
        where.append("EXISTS (SELECT 1 FROM case_categories cc WHERE cc.case_id = c.id AND cc.category = :cat)")
        params["cat"] = args["category"]
    if args.get("q"):
        like = "ILIKE" if dialect == "postgresql" else "LIKE"  # SQLite's LIKE ignores ASCII case
        where.append(f"(c.number {like} :q OR c.respondent_name {like} :q"
                     f" OR EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.name {like} :q))")
        params["q"] = f"%{args['q']}%"
    return (" WHERE " + " AND ".join(where)) if where else "", params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--pages", type=int, default=200, help="timed runs per figure")
    parser.add_argument("--explain", action="store_true", help="print the plans of the queue's statements")
    args = parser.parse_args()

    from mediation import create_app
    from mediation.extensions import db
    from mediation.models import Case, User

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(bench_config(args.database_url, tmp, WTF_CSRF_ENABLED=False))
        with app.app_context():
            prepare_database()
            dialect = db.engine.dialect.name
            if dialect == "postgresql":
                db.session.execute(text("ANALYZE cases, rounds, case_categories, parties"))
                db.session.commit()
            total_cases = db.session.scalar(select(func.count()).select_from(Case))
            actors = {"manager": db.session.scalar(select(User).where(User.username == "manager")),
                      "chair E01": db.session.scalar(select(User).where(User.username == "chair_e01"))}
            ids = {label: (u.id, None if u.role == "manager" else u.org_id) for label, u in actors.items()}
            db.session.remove()
            print(f"database: {dialect}, {total_cases:,} cases; {args.pages} timed runs per figure,"
                  f" {PER_PAGE} rows a page")
            print(f"{'actor':10} {'filters':22} {'page':>4} {'rows':>8} | {'queue p50':>9} {'p95':>7} |"
                  f" {'raw p50':>8} {'p95':>7} {'ratio':>6} | {'raw+ p95':>8} {'ratio':>6} | stmts")

            worst = []
            for label, (user_id, org_id) in ids.items():
                for combo, qargs in COMBOS:
                    for page_no in (1, 50):
                        m = measure(db, dialect, user_id, org_id, qargs, page_no, args.pages)
                        qp95, rp95, bp95 = pct(m["queue"], 95), pct(m["raw"], 95), pct(m["raw+"], 95)
                        worst.append((qp95, label, combo, page_no))
                        print(f"{label:10} {combo:22} {m['page']:>4} {m['total']:>8,} |"
                              f" {pct(m['queue'], 50) * 1000:7.2f}ms {qp95 * 1000:5.2f}ms |"
                              f" {pct(m['raw'], 50) * 1000:6.2f}ms {rp95 * 1000:5.2f}ms {qp95 / rp95:5.2f}× |"
                              f" {bp95 * 1000:6.2f}ms {qp95 / bp95:5.2f}× | {len(m['statements'])}"
                              + ("" if m["same"] else "   (rows differ from the raw query!)"), flush=True)
                        if args.explain and page_no == 50:
                            explain(db, dialect, m["statements"], f"{label} / {combo} / page {page_no}")
            qp95, label, combo, page_no = max(worst)
            print(f"worst queue p95: {qp95 * 1000:.2f} ms ({label}, {combo}, page {page_no});"
                  " target ≤ 50 ms and ≤ 2× raw at 1,000,000 cases on PostgreSQL")

            # The whole /desk/ page: login by session, the queue, the filter lists, the template.
            client = app.test_client()
            runs = max(20, args.pages // 4)
            print(f"\nGET /desk/ through the test client ({runs} timed runs each)")
            for label, (user_id, _org) in ids.items():
                with client.session_transaction() as s:
                    s["_user_id"] = str(user_id)
                    s["_fresh"] = True
                for url in ("/desk/", "/desk/?page=50", "/desk/?state=performed&tier=1&category=wages&page=50"):
                    times, size = desk_page(client, url, runs)
                    print(f"{label:10} {url:55} p50 {pct(times, 50) * 1000:7.2f} ms"
                          f"  p95 {pct(times, 95) * 1000:7.2f} ms  ({size // 1024} KiB)", flush=True)
            db.session.remove()
            db.engine.dispose()


def measure(db, dialect: str, user_id: int, org_id: int | None, qargs: dict, page_no: int, runs: int) -> dict:
    """Time case_queue for one actor, filter combination and page, and the raw SQL for the same page."""
    from werkzeug.datastructures import MultiDict

    from mediation.models import User
    from mediation.services import queue
    filters, _ = queue.parse_filters(MultiDict({**qargs, "page": str(page_no)}))

    def run_queue():
        return queue.case_queue(db.session.get(User, user_id), filters)

    statements: list = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", capture)
    run_queue()  # the statements one call issues (N+1 shows as a count growing with the page size)
    event.remove(db.engine, "before_cursor_execute", capture)
    db.session.remove()
    q_times, result = timed(run_queue, runs, db.session.remove)

    where, params = raw_where(dialect, org_id, qargs)
    offset = (result.page - 1) * PER_PAGE
    page_sql = text(f"SELECT c.id, c.number, c.state, c.next_due FROM cases c{where}"
                    f" ORDER BY c.next_due ASC NULLS LAST, c.id ASC LIMIT {PER_PAGE} OFFSET {offset}")
    count_sql = text(f"SELECT COUNT(*) FROM cases c{where}")
    conn = db.session.connection()
    r_times, raw_rows = timed(lambda: conn.execute(page_sql, params).all(), runs)
    b_times, _ = timed(lambda: (conn.execute(page_sql, params).all(), conn.execute(count_sql, params).scalar()),
                       runs)
    db.session.remove()
    return {"queue": q_times, "raw": r_times, "raw+": b_times, "page": result.page, "total": result.total,
            "statements": statements, "same": [row.case.id for row in result.rows] == [r[0] for r in raw_rows]}


def desk_page(client, url: str, runs: int) -> tuple[list[float], int]:
    def get():
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        return response
    times, response = timed(get, runs)
    return times, len(response.data)


def explain(db, dialect: str, captured: list, title: str) -> None:
    """Print the plan of each statement one queue call issued."""
    print(f"  --- plans: {title}")
    conn = db.session.connection().connection.driver_connection
    for statement, parameters in captured:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        cur = conn.cursor()
        cur.execute(prefix + statement, parameters)
        first = " ".join(statement.split())[:110]
        print(f"  >> {first}")
        for row in cur.fetchall():
            print("     " + " | ".join(str(x) for x in (row if dialect == "postgresql" else row[-1:])))
        cur.close()
    db.session.remove()


if __name__ == "__main__":
    main()
