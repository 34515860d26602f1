"""Browser tests: Debian's Chromium driven by Playwright against a real server process.

The server is the production stack (`manage.py setup`, then gunicorn) on a throw-away SQLite
database, so these tests also check what `make serve` does. Never a downloaded browser:
scripts/install-system-deps.sh installs Debian's chromium.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import DESKTOP, PHONE, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = (
        "Chromium is not installed (run scripts/install-system-deps.sh as root); "
        "browser tests skipped."
    )
    if os.environ.get("ALLIANCES_REQUIRE_BROWSER") == "1":
        pytest.fail(message.replace("skipped", "required"))
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """The server of the browser tests (one per session) and a way to seed its database."""

    def __init__(self, url: str, env: dict) -> None:
        self.url = url
        self.env = env

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell` on the server's database; returns what it prints.

        For journeys that need their own accounts or content: use names of your own (the
        server is shared by every browser test)."""
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        return done.stdout


@pytest.fixture(scope="session")
def site():
    _require_browser()
    data_dir = tempfile.mkdtemp(prefix="alliances-browser-")
    env = {
        **os.environ,
        "ALLIANCES_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "alliances.settings",
        "DJANGO_SECRET_KEY": "browser-tests-only",
        # No job worker runs beside this server: its pages render their sheets themselves
        # rather than saying they are being prepared (ADR 0191).
        "ALLIANCES_SHEETS_PREBUILD": "0",
    }
    env.pop("DATABASE_URL", None)
    env.pop("ALLIANCES_TESTING", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "setup", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server_site = Site("", env)
    server_site.shell((Path(__file__).with_name("seed_accounts.py")).read_text())
    port = _free_port()
    gunicorn = str(Path(python).with_name("gunicorn"))
    # The server's output (e-mails included: the console backend) goes to a file that the
    # journeys read, e.g. for the link confirming a new account.
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [gunicorn, "alliances.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=log,
        stderr=subprocess.PIPE,
    )
    server_site.url = f"http://127.0.0.1:{port}"
    # Each worker warms up before it answers (gunicorn.conf.py): allow for a loaded machine.
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{server_site.url}/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.3)
    os.environ["ALLIANCES_BROWSER_SERVER_LOG"] = str(Path(data_dir) / "server.log")
    yield server_site
    server.terminate()
    server.wait(timeout=10)
    log.close()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def site_url(site):
    return site.url


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield context.new_page()
    context.close()
