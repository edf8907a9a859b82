#!/usr/bin/env bash
# Install everything (system packages, Chromium, Python dependencies) and run the whole test suite.
# The suite runs on SQLite, and on PostgreSQL too when one answers at MEDIATION_TEST_POSTGRES_URL
# (default here: the local server at 127.0.0.1:5432, database "test", if it accepts connections).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --with-browser
if [[ -z "${MEDIATION_TEST_POSTGRES_URL:-}" ]]; then
  candidate="postgresql+psycopg://postgres@127.0.0.1:5432/test"
  if .venv/bin/python - "$candidate" <<'PY' 2>/dev/null; then
import sys, psycopg
psycopg.connect(sys.argv[1].replace("+psycopg", ""), connect_timeout=3).close()
PY
    export MEDIATION_TEST_POSTGRES_URL="$candidate"
    echo "PostgreSQL answers at 127.0.0.1:5432: the suite runs on it too."
  else
    echo "No PostgreSQL at 127.0.0.1:5432: its runs are skipped (set MEDIATION_TEST_POSTGRES_URL to enable)."
  fi
fi
exec .venv/bin/python -m pytest -rs "$@"
