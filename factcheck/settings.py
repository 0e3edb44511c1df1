"""Settings for the fact-check tracker.

Everything that differs between a laptop and production comes from the environment (django-environ);
the defaults give the embedded shape: SQLite in the project folder and Celery's filesystem broker, so
the whole system runs with nothing installed. Production sets DEBUG off, SECRET_KEY, DATABASE_URL
(PostgreSQL), CELERY_BROKER_URL (Redis) and ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for development; the process environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key exists only with DEBUG on, so a production deploy that forgets the secret fails loudly.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key-do-not-deploy")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "django_celery_beat",
    "sources",
    "claims",
]

MIDDLEWARE = [
    # First in, last out: it sees the final body, sets an ETag on every GET and answers 304 to If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    "factcheck.middleware.VaryOnAuthorizationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's static files from gunicorn in production without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history row written during an admin request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to the same file at once: WAL lets readers go on during a write, the
    # busy timeout waits for a lock instead of failing, and IMMEDIATE transactions take the write lock
    # up front so two writers never deadlock upgrading from a read lock ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

# --- Security: on whenever DEBUG is off; a reverse proxy terminates TLS in production.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "factcheck.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "factcheck.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["factcheck.throttling.AnonymousRateThrottle"],
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Policy-figure fact-check tracker API",
    "DESCRIPTION": "Claims with numbers, checked against official reference series, with versioned verdicts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Editor-only keys (computed_verdict, drift, notes) are absent for the public, so read-only fields are not
    # marked required; the schema then matches both audiences' responses.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "claims.models.Rating",
        "EditorRatingEnum": "claims.api.serializers.EDITOR_RATING_CHOICES",
        "ClaimKindEnum": "claims.models.ClaimKind",
        "SpeakerKindEnum": "claims.models.SpeakerKind",
        "OutletKindEnum": "sources.models.OutletKind",
        "SourceKindEnum": "sources.models.SourceKind",
    },
}

# --- Celery. Outcomes live in CheckRun and SourceCheck rows, so there is no result backend.
CELERY_DATA_DIR = env.path("CELERY_DATA_DIR", default=BASE_DIR / "var" / "celery")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The filesystem broker reads and writes one shared folder, so web, worker and beat on one machine
    # see the same queue without any service installed.
    _queue_dir = str(Path(CELERY_DATA_DIR) / "queue")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "processed_folder": str(Path(CELERY_DATA_DIR) / "processed"),
        # Broadcast (worker control) messages; the transport would otherwise write ./control/ wherever it runs.
        "control_folder": str(Path(CELERY_DATA_DIR) / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the hard time limit, so a message is redelivered only when its worker really died.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- The tracker's own settings
# The organisation that publishes the verdicts (ClaimReview "author").
FACTCHECK_PUBLISHER_NAME = env.str("FACTCHECK_PUBLISHER_NAME", default="Newsroom Fact Desk")
FACTCHECK_PUBLISHER_URL = env.str("FACTCHECK_PUBLISHER_URL", default="http://127.0.0.1:8000/")
# Where the public claim pages live; ClaimReview `url`s and Fact Check Tools results point there.
FACTCHECK_SITE_URL = env.str("FACTCHECK_SITE_URL", default="http://127.0.0.1:8000/")
FACTCHECK_LANGUAGE_CODE = env.str("FACTCHECK_LANGUAGE_CODE", default="en")
# Requests an anonymous client may make (DRF rate syntax); answered 429 with Retry-After beyond it.
FACTCHECK_API_ANON_RATE = env.str("FACTCHECK_API_ANON_RATE", default="120/min")
# A claim whose last check is older than this is due again.
FACTCHECK_RECHECK_AFTER_DAYS = env.int("FACTCHECK_RECHECK_AFTER_DAYS", default=7)
# The safe fetcher (sources/fetching.py) for URLs from editors and imported files. Loopback addresses and any
# port (FETCH_ALLOWED_PORTS = None or []) are for tests' local servers; production keeps the defaults.
FETCH_ALLOW_LOOPBACK = env.bool("FETCH_ALLOW_LOOPBACK", default=False)
# An empty environment value keeps 80 and 443 rather than opening every port.
FETCH_ALLOWED_PORTS = env.list("FETCH_ALLOWED_PORTS", cast=int, default=[80, 443]) or [80, 443]
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=10 * 1024 * 1024)
# One deadline for the whole fetch: DNS, connect, TLS, headers, body and every redirect hop.
FETCH_DEADLINE_SECONDS = env.float("FETCH_DEADLINE_SECONDS", default=20.0)
FETCH_MAX_REDIRECTS = env.int("FETCH_MAX_REDIRECTS", default=5)
FETCH_USER_AGENT = env.str("FETCH_USER_AGENT", default="factcheck-tracker/1.0 (link checker)")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
