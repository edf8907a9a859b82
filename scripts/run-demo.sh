#!/usr/bin/env bash
# Install everything, build a demo database on SQLite and serve the app at http://127.0.0.1:5000
# (the accounts and their passwords are printed once, when the demo is created).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export MEDIATION_DATA_DIR="${MEDIATION_DATA_DIR:-$PWD/instance}"
if [[ ! -f "$MEDIATION_DATA_DIR/mediation.db" ]]; then
  .venv/bin/flask --app mediation init-db
  .venv/bin/flask --app mediation seed-demo
else
  .venv/bin/flask --app mediation init-db
  echo "Using the existing demo database in $MEDIATION_DATA_DIR (delete mediation.db there to start afresh)."
fi
exec .venv/bin/python -m mediation.serve --host 127.0.0.1 --port "${PORT:-5000}"
