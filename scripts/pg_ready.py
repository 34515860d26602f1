"""Exit 0 when a PostgreSQL server answers at the URL given, 1 otherwise."""

import sys

import psycopg

try:
    url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
    psycopg.connect(url, connect_timeout=3).close()
except Exception as error:  # noqa: BLE001 - any failure means "not ready"
    print(f"PostgreSQL not reachable: {error}", file=sys.stderr)
    sys.exit(1)
