#!/usr/bin/env bash
# Every test on SQLite (browser tests included) and, at the same time, every database test on
# PostgreSQL: the machine has 2 cores and each suite mostly keeps one busy, so running them
# side by side halves the wait. The SQLite run prints as it goes; the PostgreSQL run is
# written to var/test-postgres.log and printed when it ends. Fails when either fails.
set -uo pipefail
mkdir -p var
pg_log=var/test-postgres.log
scripts/test-postgres.sh "$@" >"$pg_log" 2>&1 &
pg_pid=$!
.venv/bin/python -m pytest "$@"
sqlite_status=$?
wait "$pg_pid"
pg_status=$?
echo
echo "== PostgreSQL run (var/test-postgres.log)"
cat "$pg_log"
echo
echo "SQLite: exit $sqlite_status; PostgreSQL: exit $pg_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
