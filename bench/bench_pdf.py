"""Cold and warm render time of one document (DESIGN.md §9: a one-page PDF ≤ 0.3 s warm).

    .venv/bin/python bench/bench_pdf.py [--runs 10]

Builds a throw-away SQLite database with the demo tree and one accepted case, then times the
acceptance notice: Jinja + WeasyPrint, the first render in the process (cold: fonts and styles
loaded) and the median of the following ones (warm). The raw-WeasyPrint line renders a one-line
CJK page, the floor any document pays on this machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from mediation import create_app
    from mediation.extensions import db
    from mediation.services import lifecycle
    from mediation.documents import render
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "DATA_DIR": tmp,
                          "SECRET_KEY": "bench", "ENCRYPTION_KEY": "bench",
                          "MEDIATION": {"limits": {"ratelimit_enabled": False}}})
        with app.app_context():
            db.create_all()
            from tests.conftest import build_tree, complaint_data
            from mediation.models import Document
            from mediation.services.filing import file_complaint
            orgs = build_tree()
            case = file_complaint(complaint_data()).case
            hooks = list(lifecycle.AFTER_COMMIT)
            lifecycle.AFTER_COMMIT.clear()  # time the render ourselves, not inside fire()
            lifecycle.fire(case, "accept", orgs.users["chair:E01"])
            lifecycle.AFTER_COMMIT.extend(hooks)
            document = db.session.query(Document).filter_by(kind="acceptance_notice").one()

            def once() -> float:
                start = time.perf_counter()
                render.render_pdf(render.render_html(document))
                return time.perf_counter() - start

            cold = once()
            warm = [once() for _ in range(args.runs)]
            start = time.perf_counter()
            render.render_pdf('<html><body style="font-family: \'Noto Serif CJK SC\'">调解</body></html>')
            raw = time.perf_counter() - start
    print(f"acceptance notice, cold (first in process): {cold:.3f} s")
    print(f"acceptance notice, warm (median of {args.runs}): {statistics.median(warm):.3f} s"
          f"  (min {min(warm):.3f}, max {max(warm):.3f}; target ≤ 0.3 s for one page)")
    print(f"raw WeasyPrint one-line CJK page (warm baseline): {raw:.3f} s")


if __name__ == "__main__":
    main()
