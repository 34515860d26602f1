"""Two application servers (separate gunicorn processes on separate ports, each with its own
in-process state) in front of one PostgreSQL database and one Redis cache: a curator's change
made through one is seen through the other, in the search, its facet counts and a sheet,
by the very first requests sent to it after the write, hence within one second (issue 20,
item 5; docs/deployment.md).

PostgreSQL only (the production layout; `make test` runs it through scripts/test-postgres.sh).
The change is committed in the test database by the servers, so it is undone at the end."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
SECRET = "two-servers-test-secret-not-for-production"
REDIS = os.environ.get("ALLIANCES_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers() -> bool:
    host, port = urllib.parse.urlsplit(REDIS).hostname, urllib.parse.urlsplit(REDIS).port
    try:
        with socket.create_connection((host, port or 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _environment(data_dir: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="alliances.settings",
        DATABASE_URL=_database_url(),
        DJANGO_SECRET_KEY=SECRET,
        ALLIANCES_DATA_DIR=data_dir,  # each server its own: nothing shared but PG and Redis
        CACHE_BACKEND="django.core.cache.backends.redis.RedisCache",
        CACHE_LOCATION=REDIS,
        ALLOWED_HOSTS="127.0.0.1",
        ALLIANCES_SHEETS_PREBUILD="0",
        ALLIANCES_SEARCH_SEMANTIC="0",
    )
    # Static files from the app folders, as in the tests (no collectstatic manifest here).
    env["ALLIANCES_TESTING"] = "1"
    return env


def _manage(code: str, data_dir: str) -> str:
    """Run Python in a Django process of its own (its writes commit, unlike the test's)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


class Server:
    def __init__(self, data_dir: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = _environment(data_dir)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "alliances.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(data_dir) / "server.log", "wb"),  # noqa: SIM115 - closed with it
        )
        self.log = Path(data_dir) / "server.log"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def wait(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"server on {self.port} did not start")

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base}{path}", timeout=10) as response:
            return response.read().decode()

    def json(self, path: str) -> dict:
        return json.loads(self.get(path))

    def post(self, path: str, data: dict) -> int:
        token = next(c.value for c in self.cookies if c.name == settings.CSRF_COOKIE_NAME)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(f"{self.base}{path}", data=body.encode())
        request.add_header("Referer", f"{self.base}{path}")
        with self.opener.open(request, timeout=20) as response:
            return response.status

    def errors(self) -> str:
        return self.log.read_text()[-3000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


CURATOR = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.create_superuser(
    "two-servers-curator", "two-servers@example.org", "not-used-here-1234"
)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""

RESTORE = """
from django.contrib.auth import get_user_model
from alliances.base.models import Alliance, ChangeRecord
from alliances.base.search.index import update_index
ChangeRecord.objects.filter(user__username="two-servers-curator").delete()
Alliance.objects.filter(pk={pk}).update(status={status!r}, updated_at={updated!r})
update_index([{pk}])
get_user_model().objects.filter(username="two-servers-curator").delete()
"""


def _state(server: Server, word: str, domain: str, sheet: str) -> tuple[set, int, str]:
    found = server.json(f"/api/v1/alliances?q={urllib.parse.quote(word)}&page_size=100")
    slugs = {hit["slug"] for hit in found["results"]}
    counts = server.json("/api/v1/alliances")["facets"]["domain"]
    count = next(v["count"] for v in counts if v["value"] == domain)
    return slugs, count, server.get(sheet)


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the production layout: PostgreSQL (run by scripts/test-postgres.sh)",
)
@pytest.mark.django_db
def test_a_change_through_one_server_is_seen_through_the_other():
    if not _redis_answers():
        pytest.skip(f"no Redis at {REDIS} (set ALLIANCES_TEST_REDIS_URL)")
    from alliances.base.models import Alliance

    alliance = Alliance.objects.published().filter(domains__isnull=False).order_by("id").first()
    domain = alliance.domains.order_by("id").first().key
    sheet = f"/fiches/domaine/{domain}/"
    homes = [tempfile.mkdtemp(prefix="alliances-server-") for _ in range(2)]
    writer, reader = Server(homes[0]), Server(homes[1])
    try:
        session_key = _manage(CURATOR, homes[0]).splitlines()[-1]  # while the servers start
        # Each worker warms up before it answers (gunicorn.conf.py): allow for a loaded machine.
        deadline = time.monotonic() + 60
        writer.wait(deadline)
        reader.wait(deadline)
        slugs, count, sheet_before = _state(reader, alliance.title, domain, sheet)
        assert alliance.slug in slugs

        # The curator archives the alliance through the first server (admin action).
        writer.cookies.set_cookie(_cookie(settings.SESSION_COOKIE_NAME, session_key))
        writer.get("/admin/base/alliance/")
        changelist = "/admin/base/alliance/"
        archive = {"action": "archive", "_selected_action": [alliance.pk], "index": 0}
        assert writer.post(changelist, archive) == 200

        # Seen through the second at once: the very first requests sent to it after the write
        # (the search, its facet counts, the sheet) show the change. No cache of the second
        # server keeps the old state for any time, so the change is seen within a second
        # whatever the machine's load (a timed check failed under load for the requests'
        # own time, not for any staleness).
        slugs, count_after, sheet_after = _state(reader, alliance.title, domain, sheet)
        assert alliance.slug not in slugs, "the search of the other server still finds it"
        assert count_after == count - 1, "the other server's facet count did not change"
        assert sheet_after != sheet_before, "the other server's sheet did not change"

        # Undone through the second server: the first sees it back.
        reader.cookies.set_cookie(_cookie(settings.SESSION_COOKIE_NAME, session_key))
        reader.get(changelist)
        assert reader.post(changelist, {**archive, "action": "publish"}) == 200
        assert _state(writer, alliance.title, domain, sheet)[1] == count
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{error}: {writer.errors()}\n---\n{reader.errors()}") from error
    finally:
        writer.stop()
        reader.stop()
        updated = alliance.updated_at.isoformat()
        _manage(RESTORE.format(pk=alliance.pk, status=alliance.status, updated=updated), homes[0])


def _cookie(name: str, value: str):  # noqa: ANN202 - http.cookiejar.Cookie
    from http.cookiejar import Cookie

    return Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
        None, False, None, None, {},
    )  # fmt: skip
