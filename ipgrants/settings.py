"""One settings module, configured from the environment.

With nothing set it runs on SQLite with Celery tasks executed eagerly. ``DATABASE_URL``
switches to PostgreSQL, ``REDIS_URL`` (or ``CELERY_BROKER_URL``) to a real Celery broker.
``IPGRANTS_PROFILE=production`` turns DEBUG off and demands a secret key from the environment.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str, redis_url_for_test_worker
from .storage_env import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

PROFILE = env_str("IPGRANTS_PROFILE", "development")
if PROFILE not in {"development", "production"}:
    raise ImproperlyConfigured("IPGRANTS_PROFILE must be 'development' or 'production'.")
PRODUCTION = PROFILE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment for the production profile.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghij"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in the environment for the production profile, "
        "e.g. ALLOWED_HOSTS=grants.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "core",
    "accounts",
    "audit",
    "jobs",
    "notifications",
    "organisations",
    "offices",
    "programs",
    "drafting",
    "applications",
    "finder",
    "reviews",
    "milestones",
    "benchmarks",
    "demo",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves collected static files (collectstatic) from gunicorn; development uses runserver.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "ipgrants.urls"

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
                "django.template.context_processors.i18n",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "ipgrants.wsgi.application"
ASGI_APPLICATION = "ipgrants.asgi.application"

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    # The embedded default must hold under concurrent requests: every transaction takes the write
    # lock when it begins (IMMEDIATE), so a read-then-write never fails half way with "database is
    # locked"; a writer waits up to `timeout` seconds for its turn. WAL lets readers go on meanwhile.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_TIMEOUT", 20),
                # `timeout` sets SQLite's busy timeout; WAL and NORMAL sync are set per connection.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file too: an in-memory database is shared by threads through one connection
            # and would hide (or fake) the locking behaviour that the concurrency tests check.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", str(BASE_DIR / "test-db.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): AxesStandaloneBackend only refuses a locked-out pair and must come first;
# offices.backends.OfficeModelBackend (Django's ModelBackend, which also reads with the signed-in user whether it works
# for every office) signs in, and is the one force_login and the post-reset login pick (SIGN_IN_BACKEND).
SIGN_IN_BACKEND = "offices.backends.OfficeModelBackend"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", SIGN_IN_BACKEND]
# A user name from one address is locked after AXES_FAILURE_LIMIT wrong passwords in a row, even for the right
# password, until AXES_COOLOFF_MINUTES have passed since the last failure or an administrator unlocks it
# ("Access attempts" in the admin, or `manage.py axes_reset_username NAME`). Other users from that address, and
# the same user from elsewhere, are not locked.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# How many proxies you run in front of the portal that append to X-Forwarded-For (0: the header is ignored, so
# nobody escapes the lock by sending a made-up one).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (package.json); only their dist folders are served.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # see "Shared file storage" below
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded materials and generated PDFs live outside any public URL; they are served
# only through views that check who may see them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# No URL pattern serves this prefix: files are only reachable through the permission-checking views.
MEDIA_URL = "/private/"

# ---- Shared file storage (issue 21: beyond one machine) --------------------------------------------------------
# Every file the portal keeps (materials, evidence, contracts, PDFs, job results) goes through Django's storage API.
# Nothing set: the local disk above (PRIVATE_MEDIA_ROOT). STORAGE_URL=s3://KEY:SECRET@host:port/bucket (s3+http://
# for a plain-http endpoint such as MinIO in docker-compose), or AWS_STORAGE_BUCKET_NAME with AWS_S3_ENDPOINT_URL,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME: a private S3-compatible bucket
# (see ipgrants/storage_env.py).
# Files are served only by the permission-checking views: streamed through the web node (STORAGE_SERVE=stream, the
# default), or by a redirect to a presigned URL valid STORAGE_PRESIGNED_SECONDS (STORAGE_SERVE=redirect: the bucket's
# endpoint must then be reachable from users' browsers). `manage.py move_files_to_storage` moves files to the bucket.
STORAGE_PRESIGNED_SECONDS = env_int("STORAGE_PRESIGNED_SECONDS", 60)
if not 1 <= STORAGE_PRESIGNED_SECONDS <= 3600:
    raise ImproperlyConfigured(f"STORAGE_PRESIGNED_SECONDS={STORAGE_PRESIGNED_SECONDS} must be 1 to 3600 seconds.")
STORAGE_SERVE = env_str("STORAGE_SERVE", "stream")
if STORAGE_SERVE not in {"stream", "redirect"}:
    raise ImproperlyConfigured(f"STORAGE_SERVE={STORAGE_SERVE!r} must be 'stream' or 'redirect'.")
STORAGES["default"] = default_storage_from_env(presigned_seconds=STORAGE_PRESIGNED_SECONDS)
# ---- end of shared file storage --------------------------------------------------------------------------------

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: a real broker when REDIS_URL or CELERY_BROKER_URL is set, eager execution otherwise.
# The test suite runs in two processes (pytest-xdist, PYTEST_XDIST_WORKER): each takes its own Redis database.
_TEST_WORKER = env_str("PYTEST_XDIST_WORKER")
REDIS_URL = redis_url_for_test_worker(env_str("REDIS_URL"), _TEST_WORKER)
CELERY_BROKER_URL = redis_url_for_test_worker(env_str("CELERY_BROKER_URL", REDIS_URL), _TEST_WORKER)
CELERY_RESULT_BACKEND = redis_url_for_test_worker(env_str("CELERY_RESULT_BACKEND", REDIS_URL), _TEST_WORKER) or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, queued work (the application PDF) runs on a background thread, not in the request;
# True runs it in the caller (the test suite's default).
BACKGROUND_TASKS_INLINE = env_bool("BACKGROUND_TASKS_INLINE", default=False)

# Two people for every payment (四眼): one officer requests a tranche's payment, a second confirms it. A
# single-officer office sets PAYMENT_SECOND_PERSON=false and releases in one step (the project page says so).
PAYMENT_SECOND_PERSON = env_bool("PAYMENT_SECOND_PERSON", default=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The daily reminder sweep (notifications.tasks.daily_sweep), at this hour in CELERY_TIMEZONE (Asia/Shanghai).
REMINDER_SWEEP_HOUR = env_int("REMINDER_SWEEP_HOUR", 8)
if not 0 <= REMINDER_SWEEP_HOUR <= 23:
    raise ImproperlyConfigured(f"REMINDER_SWEEP_HOUR={REMINDER_SWEEP_HOUR} is not an hour of the day (0-23).")
# Result files of background jobs (Excel exports) are deleted this many days after they were made (daily, by
# jobs.expire_results); the job's row stays and its page offers to ask again.
JOB_RESULT_DAYS = env_int("JOB_RESULT_DAYS", 30)
if JOB_RESULT_DAYS < 1:
    raise ImproperlyConfigured(f"JOB_RESULT_DAYS={JOB_RESULT_DAYS} must be at least one day.")
CELERY_BEAT_SCHEDULE = {
    "notifications-daily-sweep": {
        "task": "notifications.daily_sweep",
        "schedule": crontab(hour=REMINDER_SWEEP_HOUR, minute=0),
    },
    "jobs-expire-results": {
        "task": "jobs.expire_results",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Mail: printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ipgrants@localhost")
# The portal's address, for links in mail ("https://grants.example.gov.cn").
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# HTTPS: whether users reach the site over https (directly or through a TLS proxy). Secure cookies, HSTS
# and the https redirect follow it, so that a site served over plain http never sets cookies the browser
# will not send back. Production assumes https unless told HTTPS=false (e.g. a trial on localhost).
HTTPS = env_bool("HTTPS", default=PRODUCTION)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only; no inline
# script or style (every behaviour lives in static/js, every style in static/css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its select arrows and toggler icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Beyond one machine, operations (issue 21): two-factor sign-in, health check, JSON logs, backups -------------
# Kept in this one block. Two-factor sign-in (django-otp: an authenticator app's TOTP codes and single-use backup
# codes). With REQUIRE_STAFF_2FA on, officers and administrators (and any account that opens the admin) must set it
# up before anything else and type a code after every password sign-in; applicants and experts may turn it on.
# On by default in the production profile, off in development and tests (the 2FA tests turn it on).
REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", default=PRODUCTION)
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "twofactor", "ops"]
# After AuthenticationMiddleware: OTPMiddleware marks a verified session, TwoFactorMiddleware asks for the code.
_AUTH_AT = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_AUTH_AT + 1:_AUTH_AT + 1] = [
    "django_otp.middleware.OTPMiddleware", "twofactor.middleware.TwoFactorMiddleware"]
# The name an authenticator app shows next to the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ipgrants")
# A wrong code also counts as a failed sign-in for django-axes (same limit, same lock-out); never log the code.
AXES_SENSITIVE_PARAMETERS = ["token"]
# /healthz answers a load balancer over plain http too (the https redirect would fail the probe).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Logs: one JSON object per line in production (LOG_FORMAT=json; a collector reads several machines' logs),
# readable text elsewhere.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be 'json' or 'text'.")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "core.jsonlog.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
# --- end of issue 21, operations -------------------------------------------------------------------------------

# The guide loader reads YAML fixtures in the nested guide format (programs/guide_format.py)
# and plain Django YAML fixtures alike.
SERIALIZATION_MODULES = {"yaml": "programs.guide_serializer"}

PORTAL_NAME = _("ipgrants")
