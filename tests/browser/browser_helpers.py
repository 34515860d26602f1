"""What the browser tests share: viewports, where screenshots go, the server's log."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("ALLIANCES_SCREENSHOTS", ROOT / "var" / "screenshots"))
PASSWORD = "Navigateur-Essai-2026"  # tests/browser/seed_accounts.py


def server_log() -> str:
    """What the test server printed so far (e-mails included: the console backend)."""
    return Path(os.environ["ALLIANCES_BROWSER_SERVER_LOG"]).read_text(errors="replace")


def sign_in(page, site_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(site_url + "/comptes/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
