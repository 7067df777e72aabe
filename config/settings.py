"""Care Pledge settings: one file, read from the environment.

Defaults suit `make run` on a laptop (SQLite, tasks run in-process, mail written to
files). Production sets DJANGO_ENV=production and the variables listed in .env.example;
without SECRET_KEY it refuses to start.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "local")
if DJANGO_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'local' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY in the "
            "environment, for example from: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "local-only-insecure-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address people use to reach the site, for links in emails and share links.
SITE_URL = (env("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "core",
    "accounts",
    "pages",
    "mail",
    "counters",
    "moderation",
    "pledges",
    "ambassadors",
    "organisations",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, handed the person the session was read with (accounts/sessions.py).
    "accounts.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.NamePromptMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Django's, letting go of each page's context once it is drawn (core/template_backend.py).
        "BACKEND": "core.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
                "pages.context_processors.navigation",
                # The CSRF token masked with one read of the random source (core/csrf.py).
                "core.csrf.context_processor",
            ],
            # {% url %} with each address kept once worked out (core/urls.py), {% extends %}
            # with the root template's blocks found once (core/templatetags/extends.py) and
            # |truncatechars ending in &hellip; (core/templatetags/truncate.py).
            "builtins": ["core.templatetags.urls", "core.templatetags.extends", "core.templatetags.truncate"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60") or 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that makes a round trip only when the server has spoken.
    DATABASES["default"]["ENGINE"] = "core.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Kept queries run as PostgreSQL prepared statements (core/prepared.py). Off behind a pooler
# that hands each transaction another server connection (PgBouncer in transaction mode).
CORE_QUERIES_PREPARED = env("DB_PREPARED_STATEMENTS", "1") not in {"0", "false", "no", ""}

# --- Redis, cache and Celery ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
# make run needs no Redis: the cache is in memory unless CACHE_URL says otherwise.
CACHE_URL = env("CACHE_URL", REDIS_URL if PRODUCTION else "locmem://")
if CACHE_URL.startswith("locmem"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            # Django's RedisCache, made to fail fast and to let allauth's limits fail open
            # (core/redis_cache.py says how).
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "carepledge") or "",
            # A cache that is down or hung must not take pages with it: one short wait, after
            # which the process skips Redis for a few seconds. Redis answers in about a
            # millisecond, so 250 ms only ever runs out on a Redis in trouble.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }

# Answers read on nearly every page that may be a few seconds behind (core.kept), kept in
# each process's memory: no network call, and a Redis that is down cannot take a page with it.
# Kept as the objects themselves, shared by the process's requests (core/local_cache.py).
CACHES["local"] = {
    "BACKEND": "core.local_cache.SharedLocMemCache",
    "LOCATION": "carepledge-local",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Integration tests give each run its own queue so parallel runs cannot take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
# make run executes tasks in the web process; production runs a worker and beat.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = False
# A page request must never hang on a broker that is down or hung: publishing gives up after
# one short wait (mail/services.py task_publish, with retry=False) and the outbox sweep sends
# what was left behind. Workers read these too; their BRPOP waits for the socket to be
# readable before reading, so a short read timeout does not cut a long poll short.
CELERY_BROKER_CONNECTION_TIMEOUT = 0.25
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "max_retries": 0}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker's claim on an email or a milestone announcement is a lease it renews while it works;
# a worker that dies stops renewing, and the sweeps (every 30 s) take the work back once the
# lease runs out: within a minute of the crash. Tests shorten the mail lease.
MAIL_CLAIM_LEASE_SECONDS = float(env("MAIL_CLAIM_LEASE_SECONDS", "30") or 30)
CELERY_BEAT_SCHEDULE = {
    "mail-sweep": {"task": "mail.tasks.sweep_outbox", "schedule": 30.0},
    "counters-recount": {"task": "counters.tasks.recount_counters", "schedule": crontab(minute=17, hour=3)},
    "milestones-sweep": {"task": "counters.tasks.sweep_milestones", "schedule": 30.0},
    "dashboard-daily-totals": {"task": "dashboard.tasks.record_daily_totals", "schedule": crontab(minute=55, hour=23)},
    "pledge-retention": {"task": "pledges.tasks.purge_unconfirmed_pledges", "schedule": crontab(minute=30, hour=2)},
    # Just after midnight, so a task past its target date yesterday shows as overdue all today.
    "organisations-overdue-rollup": {
        "task": "organisations.tasks.rollup_overdue_tasks",
        "schedule": crontab(minute=10, hour=0),
    },
    # One entry per job of mail.reminders, each the same task with the job's name
    # (`manage.py send_reminders --list` names the jobs; a test checks the two lists match).
    # Each morning and afternoon: at most one digest per person per half day.
    "reminders-staff-digest": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["staff-digest"],
        "schedule": crontab(minute=5, hour="8,13"),
    },
    "reminders-pledge-nudge": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["pledge-nudge"],
        "schedule": crontab(minute=40),
    },
    "reminders-pledge-followup": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["pledge-followup"],
        "schedule": crontab(minute=40),
    },
    "reminders-pledge-outcome": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["pledge-outcome"],
        "schedule": crontab(minute=40),
    },
    "reminders-pledge-closing": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["pledge-closing"],
        "schedule": crontab(minute=40),
    },
    "reminders-care-makers-recommit": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["care-makers-recommit"],
        "schedule": crontab(minute=40, hour=8),
    },
    "reminders-care-makers-lapse": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["care-makers-lapse"],
        "schedule": crontab(minute=40, hour=8),
    },
    "reminders-care-makers-endorsement-reminder": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["care-makers-endorsement-reminder"],
        "schedule": crontab(minute=40, hour=8),
    },
    "reminders-organisation-task-due": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["organisation-task-due"],
        "schedule": crontab(minute=5, hour=8),
    },
    "reminders-organisation-task-overdue": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["organisation-task-overdue"],
        "schedule": crontab(minute=5, hour=8),
    },
    "reminders-organisation-renewal-due": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["organisation-renewal-due"],
        "schedule": crontab(minute=5, hour=8),
    },
    "reminders-organisation-unverified": {
        "task": "mail.tasks.run_reminder_job",
        "args": ["organisation-unverified"],
        "schedule": crontab(minute=5, hour=8),
    },
}

# --- Mail -----------------------------------------------------------------------------
MAIL_FILE_PATH = BASE_DIR / "var" / "mail"
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(MAIL_FILE_PATH))
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Care Pledge <no-reply@carepledge.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "mail.account_adapter.AccountAdapter"
# allauth names people by their name, never by their email address.
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Care Pledge: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"

# --- Forms and templates --------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# allauth's own words in British English and sentence case (locale/en_GB/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "core.storage.StaticStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Database sessions that name their person (read with the session in one query) and whose own
# writes skip the wait for the disk (accounts/sessions.py says why).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000") or 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP from inside the deployment.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Fonts come from the NHS asset host; everything else is served by Care Pledge itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' https://assets.nhs.uk; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Care Pledge ----------------------------------------------------------------------
SERVICE_NAME = "Care Pledge"
# Where people write to the programme team: shown on /contact/, linked from every "contact us".
CONTACT_EMAIL = env("CONTACT_EMAIL", "help@carepledge.example")
# Moderators are emailed when an item waits longer than this, or a queue holds more than this.
MODERATION_ALERT_HOURS = int(env("MODERATION_ALERT_HOURS", "24") or 24)
MODERATION_ALERT_SIZE = int(env("MODERATION_ALERT_SIZE", "50") or 50)
# The outcome follow-up (pledge-outcome job): this many days after a pledge is marked done, or
# after its campaign closes for a pledge never marked done.
PLEDGE_OUTCOME_AFTER_DONE_DAYS = int(env("PLEDGE_OUTCOME_AFTER_DONE_DAYS", "90") or 90)
PLEDGE_OUTCOME_AFTER_CLOSE_DAYS = int(env("PLEDGE_OUTCOME_AFTER_CLOSE_DAYS", "14") or 14)
# Multiplies every rate limit (core/ratelimit.py); raise it for load tests and benchmarks.
RATELIMIT_MULTIPLIER = int(env("RATELIMIT_MULTIPLIER", "1") or 1)
# Optional address for mail clients' unsubscribe button, beside the one-click link (mail/links.py).
UNSUBSCRIBE_MAILTO = ""

# --- What each process keeps in memory, and for how long (seconds) --------------------
# Read on every request: each is set here, because Django looks up a setting that is not
# set the slow way every time (an exception a call; about 4% of a search page's CPU).
# Rendered cards, rows and parts of pages (core/fragments.py); False renders every time.
CORE_FRAGMENTS_KEPT = True
# Queries whose SQL is compiled once (core/queries.py); False builds every query every time.
CORE_QUERIES_KEPT = True
# The public pages' micro-cache (pledges/microcache.py): how long a page is kept, and how
# often a process reads the version its pages are filed under.
PLEDGES_MICROCACHE_ENABLED = True
PLEDGES_MICROCACHE_TTL = 5.0
PLEDGES_MICROCACHE_VERSION_TTL = 1.0
# The current campaign and its themes (pledges/cache.py): an admin's edit shows within this.
PLEDGES_CAMPAIGN_TTL = 5.0
# Totals and the outcome questions beside them, as long as the micro-cache keeps a page
# (pledges/selectors.py, pledges/outcomes.py).
PLEDGES_TOTALS_KEPT = PLEDGES_MICROCACHE_TTL
# Directory counts per set of filters: a change shows at once in the process that made it,
# and within this in the others (ambassadors/selectors.py, organisations/selectors.py).
AMBASSADORS_DIRECTORY_COUNT_SECONDS = 5.0
ORGANISATIONS_DIRECTORY_COUNT_SECONDS = 5.0
# The current set's statement titles (organisations/selectors.py).
ORGANISATIONS_STATEMENT_TITLES_SECONDS = 5.0
# The moderation queue's counts, and the reasons its decision fields offer (moderation/listing.py).
MODERATION_COUNTS_SECONDS = 5.0
MODERATION_REASONS_SECONDS = 60

# --- Client addresses and the proxies in front of the site (core/client.py) -----------
# X-Forwarded-For is believed only as far as these say. TRUSTED_PROXY_COUNT: how many proxies
# each write one address to it (1 behind the compose nginx); 0, the default, ignores the
# header and REMOTE_ADDR is the client. TRUSTED_PROXIES: the addresses or CIDR networks the
# nearest proxy connects from; when set, the header is read only from those peers.
import ipaddress  # noqa: E402  (kept in this block)

TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or CIDR network.")
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "1" if TRUSTED_PROXIES else "0") or 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")

# Without a collectstatic run (make run, tests), serve straight from the source folders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", not PRODUCTION)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# --- Hostile input, private pages and account enumeration -----------------------------
# Before the session and every view: control characters in URLs, query strings, form fields
# and cookies never reach a query (core/hostile_input.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "core.hostile_input.HostileInputMiddleware",
)
# Staff pages and people's own pages are never kept by a cache (core/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.sessions.AuthenticationMiddleware") + 1,
    "core.middleware.PrivatePagesMiddleware",
)
# Sign-up and password reset answer the same whether or not an address has an account; the
# owner of the address is told by email instead (templates/account/email/).
ACCOUNT_PREVENT_ENUMERATION = True
# allauth reads ACCOUNT_RATE_LIMITS: False turns its limits off, {} keeps its defaults.
ACCOUNT_RATE_LIMITS_ENABLED = env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True)
ACCOUNT_RATE_LIMITS = {} if ACCOUNT_RATE_LIMITS_ENABLED else False
