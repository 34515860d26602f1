"""Settings for the test suite: the real settings, with a throw-away data directory."""

import os
import tempfile

os.environ.setdefault("ALLIANCES_DATA_DIR", tempfile.mkdtemp(prefix="alliances-test-"))
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ["ALLIANCES_TESTING"] = "1"

from alliances.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
ALLIANCES_API_RATE_PER_MINUTE = 0  # tests that check limits turn them on
# The search's semantic part is off unless asked for (ALLIANCES_SEARCH_SEMANTIC=1): the
# search tests that depend on it turn it on themselves, and run both ways.
ALLIANCES_SEARCH_SEMANTIC = env_flag("ALLIANCES_SEARCH_SEMANTIC", False)  # noqa: F405
# The embedding model's graph is written once for every test run, not in each throw-away
# data directory (about 10 s each time).
ALLIANCES_MODELS_DIR = BASE_DIR / "var" / "models"  # noqa: F405
# Jobs run at once in the test process (huey's immediate mode, in memory); the tests of the
# queue itself turn it off and run the worker's loop in-process (tests/jobs).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
ALLIANCES_SHEETS_PREBUILD = env_flag("ALLIANCES_SHEETS_PREBUILD", False)  # noqa: F405
