"""Settings of the Alliances platform.

Everything an operator may change comes from environment variables with safe defaults
(documented in docs/operators.md; tests/test_settings_documented.py fails when one is not).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

# Where the platform keeps what it writes: the SQLite file, the secret key, uploads, caches.
DATA_DIR = Path(os.environ.get("ALLIANCES_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key comes from the environment or from a file generated on first run.

    Kept outside the repository (in DATA_DIR) so that no two installations share it.
    """
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "simple_history",
    "huey.contrib.djhuey",
    "alliances.common",
    "alliances.jobs",
    "alliances.referentials",
    "alliances.territories",
    "alliances.sdg",
    "alliances.charts",
    "alliances.maps",
    "alliances.base",
    "alliances.sdg_coding",
    "alliances.observatory",
    "alliances.library",
    "alliances.maturity",
    "alliances.charter",
    "alliances.sheets",
    "alliances.workspaces",
    "alliances.evaluation",
    "alliances.economics",
    "alliances.partners",
    "alliances.accounts",
    "alliances.contributions",
    "alliances.alerts",
    "alliances.opendata",
    "alliances.home",
    "alliances.apikit",
    "alliances.api",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every error under /api/ answers in the API's one JSON shape (alliances.apikit.errors).
    "alliances.apikit.errors.ApiErrorMiddleware",
    "alliances.common.middleware.StripControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "alliances.apikit.ratelimit.RateLimitMiddleware",
    # Last, as django-axes asks: it answers for every login form once a lock applies.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address first
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "alliances.urls"
# Every form drawn the same way: label above, help and errors tied to their field.
FORM_RENDERER = "alliances.common.forms.SiteFormRenderer"
WSGI_APPLICATION = "alliances.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alliances.common.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'alliances.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a curator or a loader writes. Write transactions take the
    # write lock when they begin (IMMEDIATE): a transaction that read first and asked for the
    # lock later could not wait for it (SQLite answers "database is locked" at once to avoid
    # a deadlock); taken up front, concurrent curators wait their turn, up to the timeout.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": int(os.environ.get("ALLIANCES_SQLITE_BUSY_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        # A larger page cache, memory-mapped reads and in-memory temporary tables: the
        # faceted search reads the same index pages again and again.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072; "
            "PRAGMA mmap_size=536870912; PRAGMA temp_store=MEMORY;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "alliances"),
    }
}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # 162 sheets x 2 outputs x 2 languages and their drawn charts: the default 300 entries
    # would evict them while they are still current.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 5000}
# Sheets are rendered ahead of visitors by the job worker (alliances.sheets.tasks): they must
# live where the web processes read them. An in-process cache is not: then they go to files.
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    CACHES["sheets"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "sheets"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
else:
    CACHES["sheets"] = dict(CACHES["default"])
# The live progress of background imports (ADR 0152), written by the job worker and read by the
# web processes, outside the database: the import's transaction holds the base meanwhile. The
# same rule as for the sheets: the shared cache when there is one, else files.
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    CACHES["jobs"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "jobs"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
else:
    CACHES["jobs"] = dict(CACHES["default"])
# Background jobs (ADR 0150): huey. Embedded default: a queue in its own SQLite file beside the
# base, served by `manage.py run_huey` (started by `make serve`). Production: Redis
# (ALLIANCES_JOBS_URL=redis://...). ALLIANCES_JOBS_IMMEDIATE=1 runs every job at once in the
# process that asks for it (no worker needed: tests, one-off scripts).
JOBS_URL = os.environ.get("ALLIANCES_JOBS_URL", "")
HUEY = {
    "name": "alliances",
    "immediate": env_flag("ALLIANCES_JOBS_IMMEDIATE", False),
    "utc": False,  # schedules (crontab) in the platform's time zone
    "consumer": {
        "workers": int(os.environ.get("ALLIANCES_JOBS_WORKERS", "1")),
        "worker_type": "thread",
        "max_delay": 2.0,  # an idle worker looks at the queue at least every 2 s
    },
}
if JOBS_URL.startswith(("redis://", "rediss://", "unix://")):
    HUEY |= {"huey_class": "huey.RedisHuey", "url": JOBS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}
# Sheets rendered again ahead of visitors after every data change (off in the tests, which
# turn it on where they check it: it renders every sheet).
ALLIANCES_SHEETS_PREBUILD = env_flag("ALLIANCES_SHEETS_PREBUILD", True)
# Failed logins are counted where every process sees them: the shared cache when there is one
# (Redis), else a cache table in the database (created by a migration of the accounts app).
PROCESS_LOCAL_CACHES = ("LocMemCache", "DummyCache", "FileBasedCache")
if CACHES["default"]["BACKEND"].endswith(PROCESS_LOCAL_CACHES):
    CACHES["logins"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alliances_login_attempts",
    }
else:
    CACHES["logins"] = dict(CACHES["default"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env_flag("ALLIANCES_TESTING"):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG or env_flag("ALLIANCES_TESTING")
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)

# Served over HTTPS behind a proxy: set ALLIANCES_HTTPS=1 (see docs/operators.md).
if env_flag("ALLIANCES_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = env_flag("ALLIANCES_SSL_REDIRECT", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): no inline or third-party script anywhere. Inline style
# attributes stay allowed (they cannot run code); pages work without any script at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Who publishes the platform's data (DCAT catalogue, feeds).
# The public address of the platform, for the links of e-mails sent by scheduled commands
# (alerts, report reminders), which have no request to take it from.
ALLIANCES_SITE_URL = os.environ.get("ALLIANCES_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLIANCES_PUBLISHER_NAME = os.environ.get("ALLIANCES_PUBLISHER_NAME", "Plateforme Alliances")
# The publisher's organisation identifier for the IATI export (org-id.guide, e.g. "FR-RCS-…");
# empty: a local identifier derived from the site's host, to be replaced before registering.
ALLIANCES_IATI_ORG_REF = os.environ.get("ALLIANCES_IATI_ORG_REF", "")
ALLIANCES_IATI_ORG_TYPE = os.environ.get("ALLIANCES_IATI_ORG_TYPE", "90")  # IATI: 90 = other

# API rate limit per client address (requests per minute; 0 disables); keys have their own.
ALLIANCES_API_RATE_PER_MINUTE = int(os.environ.get("ALLIANCES_API_RATE_PER_MINUTE", "300"))
# The semantic part of the searches (multilingual embeddings fused with the lexical ranking,
# docs/base-search.md); off, the lexical engines answer alone and nothing is embedded.
ALLIANCES_SEARCH_SEMANTIC = env_flag("ALLIANCES_SEARCH_SEMANTIC", True)
# Where the embedding model's 8-bit graph is written once and kept (docs/adr/0195).
ALLIANCES_MODELS_DIR = Path(os.environ.get("ALLIANCES_MODELS_DIR", DATA_DIR / "models")).resolve()
# Behind a reverse proxy that sets X-Forwarded-For, count the client's address, not the proxy's.
ALLIANCES_TRUST_X_FORWARDED_FOR = env_flag("ALLIANCES_TRUST_X_FORWARDED_FOR", False)

# Imports (alliances, survey figures): what a file may hold, checked before and while reading,
# so that a hostile or mistaken file is refused with a clear message instead of taking a
# worker's memory. A row error is reported for each row; the list shown is capped.
ALLIANCES_IMPORT_MAX_BYTES = int(os.environ.get("ALLIANCES_IMPORT_MAX_BYTES", "50000000"))
ALLIANCES_IMPORT_MAX_ROWS = int(os.environ.get("ALLIANCES_IMPORT_MAX_ROWS", "100000"))
ALLIANCES_IMPORT_MAX_COLUMNS = int(os.environ.get("ALLIANCES_IMPORT_MAX_COLUMNS", "100"))
ALLIANCES_IMPORT_MAX_CELL_CHARS = int(os.environ.get("ALLIANCES_IMPORT_MAX_CELL_CHARS", "20000"))
ALLIANCES_IMPORT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("ALLIANCES_IMPORT_MAX_UNZIPPED_BYTES", "100000000")
)
ALLIANCES_IMPORT_MAX_PROBLEMS = int(os.environ.get("ALLIANCES_IMPORT_MAX_PROBLEMS", "500"))
# Files larger than this (bytes) are checked and imported by the job worker, with their progress
# shown (ADR 0152); smaller ones at once, in the request. 0: every file goes through the worker.
ALLIANCES_IMPORT_BACKGROUND_BYTES = int(
    os.environ.get("ALLIANCES_IMPORT_BACKGROUND_BYTES", "1000000")
)

# Accounts. A registration waits this long for its address to be confirmed, then expires.
ALLIANCES_REGISTRATION_EXPIRY_HOURS = int(
    os.environ.get("ALLIANCES_REGISTRATION_EXPIRY_HOURS", "48")
)
# Login throttling (django-axes), on every login form including the back office's: after
# this many failures for one account, or from one address, logins are refused for a
# cool-off that starts at ALLIANCES_LOGIN_COOLOFF_SECONDS and doubles with each new lockout
# of the same account or address within a day (at most a day).
ALLIANCES_LOGIN_FAILURE_LIMIT = int(os.environ.get("ALLIANCES_LOGIN_FAILURE_LIMIT", "5"))
ALLIANCES_LOGIN_COOLOFF_SECONDS = int(os.environ.get("ALLIANCES_LOGIN_COOLOFF_SECONDS", "60"))
# Faire alliance: new contacts an account may open per day (each relays one e-mail).
ALLIANCES_PARTNERS_CONTACTS_PER_DAY = int(
    os.environ.get("ALLIANCES_PARTNERS_CONTACTS_PER_DAY", "10")
)
# Faire alliance: a represented organisation's profile goes stale (out of the suggestions)
# this many days after its representatives last confirmed it (ADR 0155); they are asked to
# confirm it ALLIANCES_PARTNERS_PROFILE_NOTICE_DAYS before.
ALLIANCES_PARTNERS_PROFILE_STALE_DAYS = int(
    os.environ.get("ALLIANCES_PARTNERS_PROFILE_STALE_DAYS", "365")
)
ALLIANCES_PARTNERS_PROFILE_NOTICE_DAYS = int(
    os.environ.get("ALLIANCES_PARTNERS_PROFILE_NOTICE_DAYS", "30")
)
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "logins"
AXES_FAILURE_LIMIT = ALLIANCES_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_COOLOFF_TIME = "alliances.accounts.throttling.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lockout ends when it said it would
AXES_LOCKOUT_CALLABLE = "alliances.accounts.throttling.locked_out"
AXES_USERNAME_CALLABLE = "alliances.accounts.throttling.username_of"
AXES_CLIENT_IP_CALLABLE = "alliances.common.clients.client_address"
AXES_RESET_ON_SUCCESS = True  # the right password forgets the failures before it
AXES_ENABLE_ADMIN = False  # attempts live in the cache, not in tables
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspaces:index"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Alliances <ne-pas-repondre@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
