"""Settings of Đối thoại: environment variables only, with defaults that run the demo.

Every variable is listed, with its meaning, in `.env.example` at the project root.
"""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("DEBUG")
DEMO = env_bool("DOITHOAI_DEMO")
HTTPS = env_bool("DOITHOAI_HTTPS")
# "Today" of the demo (YYYY-MM-DD); empty means the real date. Tests freeze time instead.
DEMO_TODAY = os.environ.get("DOITHOAI_TODAY", "").strip()

DATA_DIR = Path(os.environ.get("DOITHOAI_DATA_DIR") or (Path.cwd() / "data")).resolve()

# Without SECRET_KEY the demo and development use a fixed key; anything else gets a throw-away
# key for this process only (so `doithoai --help` or `classify` work), and `serve` refuses to start.
SECRET_KEY_FROM_ENV = bool(os.environ.get("SECRET_KEY"))
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "doithoai-demo-insecure-key-only-for-localhost-0123456789abcdef" if (DEBUG or DEMO) else get_random_secret_key()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "django_tasks",
    "doithoai.operations.task_results.TaskResultsConfig",  # django_tasks_db, its heading in Vietnamese
    "doithoai.accounts",
    "doithoai.plans",
    "doithoai.petitions",
    "doithoai.documents",
    "doithoai.notifications",
    "doithoai.portal",
    "doithoai.api",
    "doithoai.demo",
    "doithoai.operations",
]

MIDDLEWARE = [
    "doithoai.lib.body_limit.RequestBodyLimitMiddleware",  # first: an oversized body costs nothing
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "doithoai.lib.middleware.NormalizeInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "doithoai.lib.staff_session.StaffSessionMiddleware",  # idle and maximum age; no-store for signed-in users
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "doithoai.urls"
WSGI_APPLICATION = "doithoai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doithoai.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "doithoai.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
                # start of a transaction, so two writers wait (timeout) instead of failing as "locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file, not memory: live-server and concurrency tests need real separate connections.
            "TEST": {
                "NAME": os.environ.get("DOITHOAI_TEST_SQLITE")
                or str(Path(tempfile.gettempdir()) / f"doithoai-test-{os.getpid()}.sqlite3")
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:staff_home"
LOGOUT_REDIRECT_URL = "portal:home"

# Log-in lockout (accounts/throttle.py): a user name from one address is locked for LOGIN_LOCK_MINUTES after
# LOGIN_FAILURES failures, a name alone after LOGIN_FAILURES_PER_NAME (guessing from many addresses); a browser that
# logged in as that user before keeps its own allowance, so nobody at a shared address can lock a colleague out.
LOGIN_FAILURES = env_int("DOITHOAI_LOGIN_FAILURES", 5)
LOGIN_FAILURES_PER_NAME = env_int("DOITHOAI_LOGIN_FAILURES_PER_NAME", 20)
LOGIN_LOCK_MINUTES = env_int("DOITHOAI_LOGIN_LOCK_MINUTES", 60)
# How many reverse proxies in front of the app add an X-Forwarded-For entry (0: the header is ignored).
PROXY_COUNT = env_int("DOITHOAI_PROXY_COUNT", 0)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Request limits: the server does not bound bodies, the first middleware does (lib/body_limit.py): routes that take
# files their own size, every other route MAX_REQUEST_BODY; then Django's limits on form fields.
MAX_REQUEST_BODY = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security. HTTPS-only settings have their own switch, not DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A signed-in session ends after SESSION_IDLE seconds without activity (polling does not count) and after
# SESSION_MAX_AGE in all, whatever the activity (lib/staff_session.py).
SESSION_IDLE = env_int("DOITHOAI_SESSION_IDLE_MINUTES", 120) * 60
SESSION_MAX_AGE = env_int("DOITHOAI_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DOITHOAI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DOITHOAI_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
BEHIND_PROXY = env_bool("DOITHOAI_BEHIND_PROXY")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# E-mail: through the SMTP server EMAIL_HOST. Without one nothing is sent and nothing is printed: every message
# stays in the outbox (/can-bo/thu-gui/, "Lưu tại hộp thư, chưa gửi"), so no address or text ends up in a log.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "doithoai.notifications.backends.OutboxOnly"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "doithoai@localhost")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds; a hung mail server must not hold a send past its claim
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS: "outbox" (recorded and kept in the outbox, never sent nor printed; "console" is its old name), a dotted path
# to a gateway class (doithoai.notifications.backends.HttpJsonSms posts JSON to DOITHOAI_SMS_URL), or empty: no SMS.
SMS_BACKEND = os.environ.get("DOITHOAI_SMS_BACKEND", "")
SMS_URL = os.environ.get("DOITHOAI_SMS_URL", "")
SMS_TOKEN = os.environ.get("DOITHOAI_SMS_TOKEN", "")
# Delivery of both: a message claimed by a worker and not finished within this many seconds (the worker died) is
# sent again, the n-th attempt after n times this; after this many attempts it is marked failed.
NOTIFY_CLAIM_TIMEOUT = env_int("DOITHOAI_NOTIFY_CLAIM_TIMEOUT", 300)
NOTIFY_MAX_ATTEMPTS = max(1, env_int("DOITHOAI_NOTIFY_MAX_ATTEMPTS", 5))

# The address people reach the site at, for every link printed or sent (receipts, QR codes, slips, announcements,
# e-mail, SMS: doithoai/lib/urls.py). Required in production; in the demo `doithoai serve` sets it from the address
# it serves on, and the demo answers to that address's host (a phone on the network scanning a QR code).
BASE_URL_FROM_ENV = bool(os.environ.get("DOITHOAI_BASE_URL", "").strip())
BASE_URL = (os.environ.get("DOITHOAI_BASE_URL", "").strip() or "http://127.0.0.1:8000").rstrip("/")
if (DEMO or DEBUG) and not os.environ.get("ALLOWED_HOSTS", "").strip():
    _base_host = urlsplit(BASE_URL).hostname or ""
    _base_host = f"[{_base_host}]" if ":" in _base_host else _base_host
    if _base_host and _base_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_base_host)

# Reminders (`doithoai remind`): remind the lead agency N working days before a deadline; report items overdue by
# more than N working days to the chair.
REMIND_BEFORE = env_int("DOITHOAI_REMIND_BEFORE", 2)
ESCALATE_AFTER = env_int("DOITHOAI_ESCALATE_AFTER", 10)

# Attachments of the public form: bytes per client address (IPv6: per /64) per hour, counted in the database; past
# it, or when the disk has less than UPLOAD_MIN_FREE_DISK free, the opinion is kept and its files are refused.
UPLOAD_BYTES_PER_HOUR = env_int("DOITHOAI_UPLOAD_MB_PER_HOUR", 200) * 1024 * 1024
UPLOAD_MIN_FREE_DISK = env_int("DOITHOAI_MIN_FREE_DISK_MB", 1024) * 1024 * 1024

# Public API rate limits per client address per minute (counted in the database).
RATE_LIMIT_SUBMIT = env_int("DOITHOAI_RATE_SUBMIT", 60)
RATE_LIMIT_LOOKUP = env_int("DOITHOAI_RATE_LOOKUP", 300)

NINJA_PAGINATION_PER_PAGE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Log lines carry ids and codes only; this filter also hides any e-mail or phone a library puts in a record.
    "filters": {"redact": {"()": "doithoai.notifications.redact.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": sys.stderr, "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DOITHOAI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},  # SQL parameters are personal data
        # Django's own handlers (console under DEBUG, mail_admins with the request's data) would bypass the filter:
        # its records go to the root's handler like every other.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
