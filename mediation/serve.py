"""Serve the app with the scheduler in the same process (the single-machine deployment of DESIGN §9)."""
from __future__ import annotations

import argparse

from mediation import create_app
from mediation.sla.scheduler import start_background


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the mediation app with its scheduler.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app = create_app()
    scheduler = start_background(app)
    try:
        app.run(host=args.host, port=args.port, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)


if __name__ == "__main__":
    main()
