"""Memory of one app process across many requests (DESIGN.md §9: flat across 10,000 requests).

    .venv/bin/python bench/bench_memory.py --database-url URL [--requests 10000] [--warmup 500]

Through the Flask test client, a repeating mix of five requests: GET / (the portal), GET /api/v1/orgs,
GET /api/v1/track/<case>?code=, POST /api/v1/complaints (a valid, distinct body each time) and
GET /desk/ (the manager, logged in by session). Prints the resident set size (VmRSS from
/proc/self/status) and the number of live Python objects after the warm-up and every 1,000 requests,
then the growth over the run and over its second half (a leak keeps growing; caches level off).
"""
from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_filing import complaint_body
from bench.common import bench_config, prepare_database


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--every", type=int, default=1_000)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from mediation import create_app
    from mediation.extensions import db
    from mediation.models import Case, User
    from mediation.sla import clock

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(bench_config(args.database_url, tmp, WTF_CSRF_ENABLED=False))
        with app.app_context():
            prepare_database()
            cases = db.session.scalar(select(func.count()).select_from(Case))
            manager_id = db.session.scalar(select(User.id).where(User.username == "manager"))
            dialect = db.engine.dialect.name
            db.session.remove()

        rng = random.Random(11)
        today = clock.today()
        client = app.test_client()
        with client.session_transaction() as s:
            s["_user_id"] = str(manager_id)
            s["_fresh"] = True
        # A case of our own to track (seeded cases carry no real query code).
        first = client.post("/api/v1/complaints", json=complaint_body(rng, today))
        if first.status_code != 201:
            sys.exit(f"filing failed: {first.status_code} {first.get_data(as_text=True)[:300]}")
        track_url = f"/api/v1/track/{first.json['case_no']}?code={first.json['query_code']}"

        def request(i: int):
            kind = i % 5
            if kind == 0:
                return client.get("/"), 200
            if kind == 1:
                return client.get("/api/v1/orgs"), 200
            if kind == 2:
                return client.get(track_url), 200
            if kind == 3:
                return client.post("/api/v1/complaints", json=complaint_body(rng, today)), 201
            return client.get("/desk/"), 200

        def run(start: int, n: int) -> None:
            for i in range(start, start + n):
                response, expected = request(i)
                if response.status_code != expected:
                    sys.exit(f"request {i} ({response.request.path}) answered {response.status_code}:"
                             f" {response.get_data(as_text=True)[:300]}")
                response.close()

        print(f"database: {dialect}, {cases:,} cases; mix of GET /, GET /api/v1/orgs, GET /api/v1/track,"
              f" POST /api/v1/complaints, GET /desk/ (target: flat)")
        started = time.perf_counter()
        run(0, args.warmup)
        gc.collect()
        series = [(0, rss_kib(), len(gc.get_objects()))]
        print(f"{'requests':>9} {'VmRSS':>10} {'objects':>9} {'req/s':>7}")
        print(f"{'warm-up':>9} {series[0][1] / 1024:8.1f} MiB {series[0][2]:>9,}   ({args.warmup} requests)")
        done = 0
        while done < args.requests:
            n = min(args.every, args.requests - done)
            t0 = time.perf_counter()
            run(args.warmup + done, n)
            rate = n / (time.perf_counter() - t0)
            done += n
            gc.collect()
            series.append((done, rss_kib(), len(gc.get_objects())))
            print(f"{done:>9,} {series[-1][1] / 1024:8.1f} MiB {series[-1][2]:>9,} {rate:7.0f}", flush=True)
        mid = series[len(series) // 2]
        print(f"growth over {done:,} requests: {(series[-1][1] - series[0][1]) / 1024:+.1f} MiB,"
              f" {series[-1][2] - series[0][2]:+,} objects; over the second half ({mid[0]:,} → {done:,}):"
              f" {(series[-1][1] - mid[1]) / 1024:+.1f} MiB, {series[-1][2] - mid[2]:+,} objects;"
              f" {time.perf_counter() - started:.0f} s in all")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
