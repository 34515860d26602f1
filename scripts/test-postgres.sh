#!/usr/bin/env bash
# Run the database tests again on a real PostgreSQL. Locally they are skipped with a clear
# message when no server answers; with ALLIANCES_REQUIRE_POSTGRES=1 (CI) they are required.
set -euo pipefail
url="${ALLIANCES_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/alliances}"
if ! .venv/bin/python scripts/pg_ready.py "$url"; then
  if [ "${ALLIANCES_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "PostgreSQL tests are required but no server answers at $url" >&2
    exit 1
  fi
  echo "SKIPPED: PostgreSQL tests (no server answers at $url; set ALLIANCES_TEST_POSTGRES_URL)."
  exit 0
fi
echo "== PostgreSQL: $url"
DATABASE_URL="$url" .venv/bin/python -m pytest -m "not browser" "$@"
