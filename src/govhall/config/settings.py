"""GovHall settings. Every setting is read once, from the environment, through `config()` (govhall.config.env),
with its default and a line of help; docs/configuration.md is generated from them (`make docs`).

The defaults run on one machine with SQLite and no other service.
"""

from __future__ import annotations

import json
from pathlib import Path

import dj_database_url

from govhall.config.env import config
from govhall.config.keys import load_local_keys

BASE_DIR = Path(__file__).resolve().parent.parent  # src/govhall
PROJECT_DIR = BASE_DIR.parent.parent


DEBUG = config("DEBUG", False, help="Django debug mode; never on in production")
VAR_DIR = Path(
    config(
        "GOVHALL_VAR_DIR",
        str(PROJECT_DIR / "var"),
        doc_default="`<repo>/var`",
        help="where the default SQLite database, static files, uploads and the generated keys file (`keys.env`) live",
    )
)
load_local_keys(VAR_DIR)  # keys the environment does not set, from var/keys.env (govhall.config.keys)
DEVELOPMENT_SECRET_KEY = _DEV_SECRET = "govhall-insecure-development-key-change-me-in-production-0123456789"
SECRET_KEY = config(
    "SECRET_KEY",
    _DEV_SECRET,
    doc_default="a fixed development key",
    help="Django's signing key; **set a long random value in production**: with `DEBUG` off GovHall refuses to "
    "start with the development key (`govhall demo` writes random keys to `var/keys.env`)",
)
FIELD_ENCRYPTION_KEY = config(
    "FIELD_ENCRYPTION_KEY",
    "",
    doc_default="none: required unless `DEBUG` (then derived from `SECRET_KEY`)",
    help="key for SM4 encryption of ID/phone numbers and their HMAC-SM3 look-up hashes (hex of ≥16 bytes, "
    "or any long string); GovHall refuses to start without it unless `DEBUG`. Changing it makes stored personal data unreadable: "
    "back it up",
)
_HOSTS = config(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver", help="comma-separated host names the site answers to"
)
ALLOWED_HOSTS = [h.strip() for h in _HOSTS.split(",") if h]
_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS",
    "",
    help="comma-separated origins (`https://zwfw.example.gov.cn`) when behind a proxy on another origin",
)
CSRF_TRUSTED_ORIGINS = [o.strip() for o in _ORIGINS.split(",") if o.strip()]

DATABASES = {
    "default": dj_database_url.parse(
        config(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'govhall.sqlite3'}",
            doc_default="`sqlite:///$GOVHALL_VAR_DIR/govhall.sqlite3`",
            help="database; `postgres://user:pass@host:5432/name` for PostgreSQL",
        ),
        conn_max_age=config(
            "DB_CONN_MAX_AGE", 60, help="seconds a database connection is kept open between requests"
        ),
    )
}
_SERVER_SIDE_BINDING = config(
    "DB_SERVER_SIDE_BINDING",
    True,
    help="PostgreSQL: send parameters apart from the SQL, so psycopg prepares the statements it runs often "
    "(planning a case query costs more than running it); off: client-side binding",
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]).startswith(str(VAR_DIR)):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif _SERVER_SIDE_BINDING:
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True

INSTALLED_APPS = [
    "govhall.core",  # first: its admin/index.html (calendar warnings) extends Django's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "govhall.identity",
    "govhall.catalogue",
    "govhall.licences",
    "govhall.cases",
    "govhall.notices",
    "govhall.sharing",
    "govhall.evaluation",
    "govhall.supervision",
    "govhall.stats",
    "govhall.web",
    "govhall.ops",
    "govhall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govhall.core.middleware.ApiErrorShapeMiddleware",
    "govhall.core.middleware.RejectBadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "govhall.config.urls"
WSGI_APPLICATION = "govhall.config.wsgi.application"
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["govhall.identity.auth.LoginBackend"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govhall.web.context.platform",
                "govhall.web.context.workbench",
            ]
        },
    }
]

# Passwords: at least 8 characters, letters and digits, not the account's own data, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "govhall.identity.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "govhall.identity.passwords.LettersAndDigitsValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if config(
        "GOVHALL_FAST_PASSWORD_HASHING",
        False,
        help="MD5 password hashing, for tests and benchmarks only; never in production",
    )
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

# Login lockout and sessions.
LOGIN_MAX_FAILURES = config("LOGIN_MAX_FAILURES", 5, help="consecutive failed logins that lock an account")
LOGIN_LOCK_MINUTES = config("LOGIN_LOCK_MINUTES", 30, help="how long a locked account stays locked")
SESSION_COOKIE_AGE = (
    config("SESSION_IDLE_MINUTES", 30, help="a session ends after this many minutes without a request") * 60
)
SESSION_SAVE_EVERY_REQUEST = True  # the 30 minutes are counted from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_HTTPS = config("HTTPS", False, help="set `true` when served over HTTPS: cookies become `Secure`")
SECURE_COOKIES = config(
    "SECURE_COOKIES",
    not DEBUG and _HTTPS,
    doc_default="`true` when `HTTPS` and not `DEBUG`",
    help="force `Secure` session and CSRF cookies on or off",
)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "govhall.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
API_TOKEN_DAYS = config(
    "API_TOKEN_DAYS", 7, help="validity of API tokens from `POST /api/v1/auth/token` and `govhall token`"
)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = config("TIME_ZONE", "Asia/Shanghai", help="time zone for dates shown and deadlines")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    config(
        "STATIC_ROOT",
        str(VAR_DIR / "static"),
        doc_default="`$GOVHALL_VAR_DIR/static`",
        help="target of `govhall collectstatic` (static files are also served from the apps by WhiteNoise)",
    )
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
if STATIC_ROOT.is_relative_to(VAR_DIR):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it; files are served from the apps
MEDIA_ROOT = Path(
    config(
        "MEDIA_ROOT",
        str(VAR_DIR / "files"),
        doc_default="`$GOVHALL_VAR_DIR/files`",
        help="uploaded files; outside the web root, served only through permission-checking views",
    )
)
UPLOAD_MAX_MB = config(
    "UPLOAD_MAX_MB", 10, help="largest file an applicant may upload (PDF, JPG, PNG, OFD; checked by content)"
)
CASE_UPLOAD_MAX_MB = config("CASE_UPLOAD_MAX_MB", 50, help="all files of one case together")
UPLOAD_PENDING_MAX_COUNT = config(
    "UPLOAD_PENDING_MAX_COUNT",
    50,
    help="uploaded files an account may hold that no case or draft uses yet; a further upload answers 429 "
    "until one is used in an application or cleaned up",
)
UPLOAD_PENDING_MAX_MB = config(
    "UPLOAD_PENDING_MAX_MB",
    200,
    help="megabytes of uploaded files an account may hold that no case or draft uses yet (429 beyond)",
)
UPLOAD_ORPHAN_HOURS = config(
    "UPLOAD_ORPHAN_HOURS",
    24,
    help="an uploaded file that no case or draft uses is deleted (row and file) this many hours after its "
    "upload, by the worker's hourly job or `govhall uploads --clean`",
)
COMMITMENT_VERIFY_WORKDAYS = config(
    "COMMITMENT_VERIFY_WORKDAYS",
    20,
    help="working days the item's department has to verify (核查) an approval on commitment (告知承诺); "
    "a failed verification revokes the decision",
)
CORRECTION_DEADLINE_WORKDAYS = config(
    "CORRECTION_DEADLINE_WORKDAYS",
    10,
    help="working days an applicant is given to hand in what a correction notice (一次性告知) lists; "
    "printed on the notice as a date",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = (UPLOAD_MAX_MB + 1) * 1024 * 1024
JSON_BODY_MAX_KB = config(
    "JSON_BODY_MAX_KB",
    1024,
    help="largest JSON (non-form) request body; larger ones answer 413 before parsing",
)
JSON_MAX_DEPTH = config(
    "JSON_MAX_DEPTH",
    32,
    help="deepest nesting of arrays and objects in a JSON request body; deeper answers 400",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": config(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            help="background task backend (`django_tasks.backends.immediate.ImmediateBackend` runs tasks inline)",
        ),
    }
}
SMS_GATEWAY = config(
    "SMS_GATEWAY",
    "govhall.notices.gateways.LogGateway",
    help="class that sends SMS; the default records them in the database (admin → 短信发送记录) for development",
)
SMS_SIGNATURE = config("SMS_SIGNATURE", "安吉政务服务", help="the 【signature】 before every SMS")
WORKER_HEARTBEAT_SECONDS = config(
    "WORKER_HEARTBEAT_SECONDS",
    15,
    help="how often a worker reports to `/healthz`; it counts as down after three missed beats",
)
SUPERVISION_SCAN_SECONDS = config(
    "SUPERVISION_SCAN_SECONDS",
    300,
    help="how often the worker runs the supervision scan and the rating sweep (reminders, default ratings); "
    "`govhall supervise` runs both at once",
)
SUPERVISION_REPORT_ISSUER = config(
    "SUPERVISION_REPORT_ISSUER",
    "安吉县政务服务管理办公室（电子监察）",
    help="the issuing unit (制表单位) printed on the monthly supervision report and its Excel file",
)
SUPERVISION_RED_SMS = config(
    "SUPERVISION_RED_SMS",
    True,
    help="send an SMS (and an in-site message) for every new red warning to the person holding the step, "
    "or to the department's heads",
)

RATING_TABLET_MINUTES = config(
    "RATING_TABLET_MINUTES",
    10,
    help="how long the hall's rating tablet, once a window clerk opens it for an applicant, may be used (once)",
)
RATING_TABLET_SERVING_HOURS = config(
    "RATING_TABLET_SERVING_HOURS",
    8,
    help="a clerk may open the rating tablet only for a case they registered, accepted, issued or completed "
    "within this many hours",
)
SHARING_PROVIDERS = json.loads(
    config(
        "SHARING_PROVIDERS",
        "{}",
        help="一库共享 provider systems served over HTTP, as JSON: "
        '{"system": {"url": "https://...", "token": "...", "timeout": 5}}; a resource whose provider system is '
        "not named here is served by the demo's simulated departmental databases",
        group="Sharing",
    )
    or "{}"
)
SHARING_PROVIDER_TIMEOUT = config(
    "SHARING_PROVIDER_TIMEOUT",
    5,
    help="seconds an HTTP provider system may take to answer a look-up",
    group="Sharing",
)
SHARING_REQUEST_DAYS = config(
    "SHARING_REQUEST_DAYS",
    10,
    help="working days a provider department has to approve or refuse a sharing request",
    group="Sharing",
)
PUBLIC_BASE_URL = config(
    "PUBLIC_BASE_URL",
    "http://127.0.0.1:8000",
    help="the portal's public address, printed as a QR code on acceptance, correction and decision notices and "
    "in SMS links; `govhall demo` sets it to the address it serves on (--host, --port) unless it is set",
)
PLATFORM_NAME = config(
    "PLATFORM_NAME", "安吉县一网通办政务服务平台", help="the name in the banner and page titles"
)
PLATFORM_REGION_CODE = config(
    "PLATFORM_REGION_CODE", "330523", help="the region (GB/T 2260) the platform serves"
)
PLATFORM_DEPARTMENT_CODE = config(
    "PLATFORM_DEPARTMENT_CODE",
    "sjj",
    help="the department that runs the platform (数据局 / 政务服务中心); its catalogue administrators manage "
    "every item of the region",
)
SEARCH_PAGE_SIZE_MAX = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "govhall.core.masking.PersonalDataLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": config(
            "LOG_LEVEL", "INFO", help="root log level; ID and phone numbers are masked in every log record"
        ),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request lines carry query strings (a phone number typed in a search): through the masking filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
