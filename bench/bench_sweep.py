"""Time one SLA sweep over a seeded database, beside the raw indexed query that finds due rows.

    python bench/bench_sweep.py --database-url URL [--now 2026-11-25T10:00]

A sweep reads only due rows through the (status, due_at) / (status, warn_at) indexes, so its time
should not grow with the number of open cases. Prints the sweep time, the raw query time and the
number of open deadlines it skipped.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from mediation import create_app  # noqa: E402
from mediation.extensions import db  # noqa: E402
from mediation.models import Deadline  # noqa: E402
from mediation.sla.sweeper import sweep  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--now", default="2026-11-25T10:00")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    # PDFs of the cases the sweep expires are left pending: the figure is the sweep's own cost.
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "TESTING": True,
                      "DOCUMENTS_RENDER_ON_COMMIT": False})
    with app.app_context():
        open_rows = db.session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.status.in_(("open", "warned"))))
        raw, swept = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            db.session.execute(text("SELECT id FROM deadlines WHERE status IN ('open','warned') AND due_at <= :now"
                                    " LIMIT 500"), {"now": now}).all()
            raw.append(time.perf_counter() - started)
            db.session.rollback()
            started = time.perf_counter()
            result = sweep(now)
            swept.append(time.perf_counter() - started)
            print(f"  sweep: warned {len(result.warned)}, breached {len(result.breached)}, fired {len(result.fired)}")
        print(f"open deadlines: {open_rows:,}")
        print(f"raw due-row query: median {statistics.median(raw) * 1000:.2f} ms")
        print(f"one sweep:         median {statistics.median(swept) * 1000:.2f} ms (first {swept[0] * 1000:.1f} ms,"
              f" which processes what is due)")


if __name__ == "__main__":
    main()
