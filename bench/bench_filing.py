"""Complaints filed per second through POST /api/v1/complaints (DESIGN.md §9: ≥ 200/s on 2 cores).

    .venv/bin/python bench/bench_filing.py --database-url URL [--seconds 10] [--threads 2] [--max 20000]

Three figures on the same database, each bounded by --seconds and --max requests:
  http         the app served by werkzeug's threaded server on 127.0.0.1 (a free port) in a child
               process (one app process, as one deployed worker), --threads client threads in this
               process, each posting valid distinct bodies with http.client (loopback only);
  test client  the same requests through the Flask test client in this thread (no sockets, no HTTP);
  service      file_complaint() called directly, committed (the floor: validation, numbering, rows).
Each prints requests, errors, complaints/s and latency p50/p95. The per-address rate limits are off
(MEDIATION_RATELIMIT_ENABLED=false semantics); filing renders no document.
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import random
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_config, prepare_database  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
CATEGORIES = ["wages", "social_insurance", "termination", "overtime", "work_injury", "severance", "other"]
ITEMS = ["支付拖欠工资", "支付加班费", "支付经济补偿金", "补缴社会保险费", "支付工伤待遇"]
ORGS = ["E01", "E02", "E03", "E04"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random) -> str:
    """A resident ID number with a valid GB 11643-1999 check digit, born 1965-2004."""
    born = f"{rng.randint(1965, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"330{rng.randint(100, 199)}{born}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def complaint_body(rng: random.Random, today) -> dict:
    """A valid complaint (the shape of tests.conftest.complaint_data) with its own names and amounts."""
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
    return {
        "applicants": [{"name": name, "id_number": id_number(rng), "phone": f"13{rng.randint(0, 999999999):09d}",
                        "address": f"杭州市钱塘区白杨街道{rng.randint(1, 999)}号"}],
        "respondent": {"name": f"华芯电子（杭州）有限公司第{rng.randint(1, 99)}分公司", "address": "杭州经济技术开发区",
                       "contact": "0571-86000000"},
        "org": rng.choice(ORGS),
        "categories": rng.sample(CATEGORIES, rng.choice((1, 1, 2))),
        "claims": [{"item": rng.choice(ITEMS), "amount": f"{rng.lognormvariate(10.3, 0.9):.2f}"}],
        "facts": f"申请人于{rng.randint(2015, 2025)}年入职，公司拖欠工资{rng.randint(1, 6)}个月。",
        "dispute_date": (today - timedelta(days=rng.randint(5, 200))).isoformat(),
        "escalation_consent": True,
        "pipl_consent": True,
    }




def pct(times: list[float], p: float) -> float:
    if not times:
        return float("nan")
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(label: str, times: list[float], errors: list[str], elapsed: float) -> None:
    n = len(times) + len(errors)
    print(f"{label:12} {n:>7,} requests {len(errors):>5,} errors  {len(times) / elapsed:8.1f} complaints/s"
          f"   p50 {pct(times, 50) * 1000:7.2f} ms   p95 {pct(times, 95) * 1000:7.2f} ms", flush=True)
    if errors:
        print(f"             first error: {errors[0][:300]}")




def serve(config: dict, ports) -> None:
    """The server process: the app on werkzeug's threaded server, on a free loopback port."""
    from werkzeug.serving import make_server

    from mediation import create_app
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    ports.put(server.server_port)
    server.serve_forever()


def over_http(config: dict, args, today) -> None:
    """The server in its own process (its own GIL, as a deployed worker), the clients in this one."""
    import multiprocessing
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    server = ctx.Process(target=serve, args=(config, ports), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=60)
        _post_over_http(port, args, today)
    finally:
        server.terminate()
        server.join(10)


def _post_over_http(port: int, args, today) -> None:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    left = [args.max]
    deadline = time.perf_counter() + args.seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                body = json.dumps(complaint_body(rng, today), ensure_ascii=False).encode()
                start = time.perf_counter()
                try:
                    conn.request("POST", "/api/v1/complaints", body=body,
                                 headers={"Content-Type": "application/json", "Accept-Language": "zh"})
                    response = conn.getresponse()
                    data = response.read()
                    ok, problem = response.status == 201, f"{response.status} {data.decode(errors='replace')}"
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    ok, problem = False, repr(exc)
                took = time.perf_counter() - start
                with lock:
                    (times.append(took) if ok else errors.append(problem))
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(1000 + i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    report(f"http ×{args.threads}", times, errors, elapsed)


def through_test_client(app, args, today) -> None:
    client = app.test_client()
    rng = random.Random(2)
    times, errors = [], []
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds and len(times) + len(errors) < args.max:
        body = complaint_body(rng, today)
        start = time.perf_counter()
        response = client.post("/api/v1/complaints", json=body, headers={"Accept-Language": "zh"})
        took = time.perf_counter() - start
        (times.append(took) if response.status_code == 201
         else errors.append(f"{response.status_code} {response.get_data(as_text=True)}"))
    report("test client", times, errors, time.perf_counter() - started)


def through_service(app, args, today) -> None:
    from mediation.extensions import db
    from mediation.services.errors import ServiceError
    from mediation.services.filing import file_complaint
    rng = random.Random(3)
    times, errors = [], []
    started = time.perf_counter()
    with app.test_request_context("/api/v1/complaints", method="POST"):
        while time.perf_counter() - started < args.seconds and len(times) + len(errors) < args.max:
            body = complaint_body(rng, today)
            start = time.perf_counter()
            try:
                file_complaint(body, channel="online", language="zh")
                db.session.commit()
                times.append(time.perf_counter() - start)
            except ServiceError as exc:
                db.session.rollback()
                errors.append(f"{exc.code} {exc.message('en')}")
            db.session.remove()
    report("service", times, errors, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=10.0, help="time bound of each figure")
    parser.add_argument("--threads", type=int, default=2, help="HTTP client threads")
    parser.add_argument("--max", type=int, default=20_000, help="request bound of each figure")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from mediation import create_app
    from mediation.extensions import db
    from mediation.models import Case
    from mediation.sla import clock

    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(args.database_url, tmp)
        app = create_app(config)
        with app.app_context():
            prepare_database()
            before = db.session.scalar(select(func.count()).select_from(Case))
            dialect = db.engine.dialect.name
            db.session.remove()
        today = clock.today()
        print(f"database: {dialect}, {before:,} cases before; each figure at most {args.seconds:g} s"
              f" and {args.max:,} requests (target ≥ 200 complaints/s over HTTP on 2 cores)")
        over_http(config, args, today)
        with app.app_context():
            through_test_client(app, args, today)
            through_service(app, args, today)
            after = db.session.scalar(select(func.count()).select_from(Case))
            print(f"cases filed: {after - before:,}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
