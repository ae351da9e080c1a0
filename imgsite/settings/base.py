"""Settings shared by every environment. Every environment variable the site reads is read here
(or, for production-only secrets, in production.py), so this file is the list of knobs."""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF

from imgsite.settings.env import env_bool, env_float, env_int, env_list, env_str
from imgsite.settings.media_storage import (
    LOCAL_BACKEND,
    S3,
    S3_BACKEND,
    s3_media_origins,
    s3_options,
    storage_kind,
)

# Lets typed generics such as admin.ModelAdmin[Image] work at run time, not only under mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The JSON API; listed as an app for the docs page's template and its static files (no CDN).
    "ninja",
    "gallery",
    "profiles",
    "recommender",
    "imgsite.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "imgsite.api_problems.ApiProblemMiddleware",
    "imgsite.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gallery.middleware.VersionsReadOncePerRequest",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp): everything from our own origin, nothing inline. Scripts and
# styles are static files, colour swatches are SVG fills, so an injected <script>, on* handler or
# style attribute does nothing. tests/browser/test_csp.py loads every main page under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Where browsers report violations, when an operator collects them; omitted when empty.
        "report-uri": env_list("IMGSITE_CSP_REPORT_URI"),
    }
}
# Permissions-Policy (imgsite/middleware.py): features no page uses are off for every frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

ROOT_URLCONF = "imgsite.urls"
WSGI_APPLICATION = "imgsite.wsgi.application"

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

# A SQLite file by default; DATABASE_URL=postgres://user@host:5432/name switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection may have been dropped by the server (restart, failover, idle kill);
        # checking it before each request's first query turns that into a reconnect, not a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The development default. Write-ahead logging lets pages read while an ingest writes, and with
    # synchronous=NORMAL a commit no longer waits for the disk (a power cut may lose the last
    # commits, never corrupt the file): an ingest commits twice per photo. IMMEDIATE transactions
    # take the write lock up front, so two processes writing at once wait for each other instead
    # of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("IMGSITE_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("IMGSITE_MEDIA_ROOT", str(BASE_DIR / "media")))
# Django serves the photos' files itself (gallery/media.py), in production too, unless a front
# server takes /media/ over. IMGSITE_MEDIA_ACCEL_REDIRECT=/protected-media/ makes it answer with an
# X-Accel-Redirect to that nginx `internal` location instead of sending the bytes.
IMGSITE_SERVE_MEDIA = env_bool("IMGSITE_SERVE_MEDIA", True)
IMGSITE_MEDIA_ACCEL_REDIRECT = env_str("IMGSITE_MEDIA_ACCEL_REDIRECT", "")
IMGSITE_MEDIA_MAX_AGE = env_int("IMGSITE_MEDIA_MAX_AGE", 86_400)
# Where the photos' files live (imgsite/settings/media_storage.py). "local", the default: MEDIA_ROOT
# on this machine. "s3": an S3-compatible bucket (AWS, MinIO, Ceph, ...) that every web and worker
# machine reaches, through django-storages; credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the machine's role). `manage.py check` names what is missing.
IMGSITE_STORAGE = storage_kind(env_str("IMGSITE_STORAGE", "local"))
IMGSITE_S3_BUCKET = env_str("IMGSITE_S3_BUCKET", "").strip()
IMGSITE_S3_ENDPOINT_URL = env_str("IMGSITE_S3_ENDPOINT_URL", "").strip()  # empty: AWS itself
IMGSITE_S3_REGION = env_str("IMGSITE_S3_REGION", "").strip()
IMGSITE_S3_PREFIX = env_str("IMGSITE_S3_PREFIX", "").strip()  # a folder in the bucket
IMGSITE_S3_CUSTOM_DOMAIN = env_str("IMGSITE_S3_CUSTOM_DOMAIN", "").strip()  # a CDN in front of it
# Signed URLs work with a private bucket; a public-read bucket (or a CDN) may turn them off, so
# that a photo's URL stays the same and browsers and CDNs keep it cached.
IMGSITE_S3_SIGNED_URLS = env_bool("IMGSITE_S3_SIGNED_URLS", True)
IMGSITE_S3_URL_SECONDS = env_int("IMGSITE_S3_URL_SECONDS", 3600)
MEDIA_STORAGE = (
    {
        "BACKEND": S3_BACKEND,
        "OPTIONS": s3_options(
            bucket=IMGSITE_S3_BUCKET,
            endpoint_url=IMGSITE_S3_ENDPOINT_URL,
            region=IMGSITE_S3_REGION,
            prefix=IMGSITE_S3_PREFIX,
            custom_domain=IMGSITE_S3_CUSTOM_DOMAIN,
            signed_urls=IMGSITE_S3_SIGNED_URLS,
            url_seconds=IMGSITE_S3_URL_SECONDS,
            max_age=IMGSITE_MEDIA_MAX_AGE,
        ),
    }
    if IMGSITE_STORAGE == S3
    else {"BACKEND": LOCAL_BACKEND}
)
STORAGES = {
    "default": MEDIA_STORAGE,
    # Hashed, compressed names so browsers may cache static files for a year.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if IMGSITE_STORAGE == S3:
    # Pages link the bucket's (or the CDN's) URLs, so browsers load photos from there.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += s3_media_origins(
        bucket=IMGSITE_S3_BUCKET,
        endpoint_url=IMGSITE_S3_ENDPOINT_URL,
        region=IMGSITE_S3_REGION,
        custom_domain=IMGSITE_S3_CUSTOM_DOMAIN,
    )

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Celery -------------------------------------------------------------------------------------
# With no broker configured, tasks run in-process (eager) so `make demo` needs no services. Even an
# eager task takes a producer from the broker pool, so the in-memory transport stands in: without it
# kombu falls back to amqp://localhost and warns "No hostname was supplied".
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose pool process dies (SIGKILL, OOM) goes back on the queue instead of being acked as
# failed; every task is idempotent, so running it again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Time limits: the hard limit kills a stuck task; the soft one raises inside it first so it can
# stop cleanly. An ingest job works in slices shorter than the soft limit and queues the rest.
# The gap between slice and soft limit is one slow item's download.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("IMGSITE_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("IMGSITE_TASK_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT + 30)
IMGSITE_INGEST_SLICE_SECONDS = env_int("IMGSITE_INGEST_SLICE_SECONDS", CELERY_TASK_SOFT_TIME_LIMIT - 60)
# Redis redelivers a message not acked within the visibility timeout. It must exceed the hard time
# limit, or a task still running would be delivered a second time; it is also how long a task
# held by a worker that died whole (SIGKILL, power loss) waits before another worker gets it.
# Kept short because of that: ten minutes by default (kombu's is an hour); jobs come back sooner
# still, through their lease and the sweeper.
IMGSITE_BROKER_VISIBILITY_TIMEOUT = env_int("IMGSITE_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 270)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": IMGSITE_BROKER_VISIBILITY_TIMEOUT,
    # How often each worker looks for messages past the visibility timeout. kombu scans only on
    # every 10th 10-second tick by default, which adds up to 100 s to every redelivery.
    "unacked_restore_interval": env_int("IMGSITE_BROKER_RESTORE_SECONDS", 10),
    "unacked_restore_throttle": 1,
}
# Sending a task to a broker that is down fails after about a second instead of hanging a request.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("IMGSITE_BROKER_CONNECTION_TIMEOUT", 2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
# Rebuild the recommender in the background; `make beat` (celery -A imgsite beat) runs this schedule.
CELERY_BEAT_SCHEDULE = {
    "rebuild-recommender": {
        "task": "recommender.tasks.rebuild_model_task",
        "schedule": env_int("IMGSITE_RECOMMENDER_REBUILD_MINUTES", 30) * 60.0,
    },
    # Finds work a dead worker or a down broker left behind: jobs whose lease ran out, photos
    # pending too long, profile rebuilds owed. `manage.py resume_stale_work` runs the same.
    "resume-stale-work": {
        "task": "gallery.tasks.resume_stale_work_task",
        "schedule": env_int("IMGSITE_SWEEP_SECONDS", 60) * 1.0,
    },
    # Tag answers are learnt as they come; this catches those given while the broker was down.
    "learn-tag-answers": {
        "task": "gallery.tasks.learn_tag_answers_task",
        "schedule": env_int("IMGSITE_SWEEP_SECONDS", 60) * 1.0,
    },
    # A full retraining lets tags that reached the vocabulary's floor in, and finds wrong tags.
    "train-tag-suggester": {
        "task": "gallery.tasks.train_tag_suggester_task",
        "schedule": env_int("IMGSITE_TAG_TRAINING_HOURS", 24) * 3600.0,
    },
    "queue-owed-profile-rebuilds": {
        "task": "profiles.tasks.queue_owed_rebuilds_task",
        "schedule": env_int("IMGSITE_SWEEP_SECONDS", 60) * 1.0,
    },
}
# A running job holds a lease for this long and renews it after every item; a job whose lease
# ran out has lost its worker and may be taken over. Longer than one item can take to download.
IMGSITE_JOB_LEASE_SECONDS = env_int("IMGSITE_JOB_LEASE_SECONDS", 180)
# A photo still "pending" this long after it was queued lost its analysis task; queue it again.
# Longer than the analysis queue can take to drain, so a busy queue is not doubled.
IMGSITE_STALE_PENDING_SECONDS = env_int("IMGSITE_STALE_PENDING_SECONDS", 1800)
# `manage.py ingest` gives up following a job no worker takes, or one whose worker went quiet.
IMGSITE_INGEST_PICKUP_SECONDS = env_int("IMGSITE_INGEST_PICKUP_SECONDS", 60)

# --- Ingest and analysis ------------------------------------------------------------------------
IMGSITE_USER_AGENT = env_str(
    "IMGSITE_USER_AGENT",
    "imgsite/0.1 (open-licensed photo recommender; https://github.com/imgsite/imgsite) python-requests",
)
IMGSITE_COMMONS_API = env_str("IMGSITE_COMMONS_API", "https://commons.wikimedia.org/w/api.php")
IMGSITE_OPENVERSE_API = env_str("IMGSITE_OPENVERSE_API", "https://api.openverse.org/v1/images/")
# The selection `make demo` ingests when no query is given.
IMGSITE_DEFAULT_COMMONS_CATEGORY = env_str("IMGSITE_DEFAULT_COMMONS_CATEGORY", "Category:Quality images")
IMGSITE_DEFAULT_INGEST_COUNT = env_int("IMGSITE_DEFAULT_INGEST_COUNT", 120)
# Threads that fetch, decode and analyse the next photos of an ingest while its process stores the
# current one (gallery/services/ingest.py). Two keep two cores busy from one process; a worker
# machine running one Celery process per core gains less from more.
IMGSITE_INGEST_THREADS = env_int("IMGSITE_INGEST_THREADS", 2)
# While an ingest stores photos, the gallery's cached counts are thrown away at most this often
# (gallery.collection_version.changes_counted_every): new photos are counted within this many seconds.
IMGSITE_COUNTS_REFRESH_SECONDS = env_float("IMGSITE_COUNTS_REFRESH_SECONDS", 2.0)
# Downloads: a hard size cap, (connect, read) timeouts in seconds, and retries with backoff.
IMGSITE_MAX_DOWNLOAD_BYTES = env_int("IMGSITE_MAX_DOWNLOAD_BYTES", 40 * 1024 * 1024)
IMGSITE_CONNECT_TIMEOUT = env_float("IMGSITE_CONNECT_TIMEOUT", 5.0)
IMGSITE_READ_TIMEOUT = env_float("IMGSITE_READ_TIMEOUT", 30.0)
IMGSITE_DOWNLOAD_RETRIES = env_int("IMGSITE_DOWNLOAD_RETRIES", 3)
IMGSITE_RETRY_BACKOFF = env_float("IMGSITE_RETRY_BACKOFF", 0.5)
# The read timeout bounds each wait for data; this bounds a whole photo's body, so a server that
# drips a byte a second cannot hold an item for minutes.
IMGSITE_DOWNLOAD_DEADLINE = env_float("IMGSITE_DOWNLOAD_DEADLINE", 120.0)
# Photo URLs (URL lists, and the file URLs sources list) may not reach private, loopback or
# link-local addresses, so staff ingest cannot make the server fetch its own network. The hosts of
# the two API settings above are the deployer's choice and trusted as they are. Set true only where
# the photos really are on a private network.
IMGSITE_ALLOW_PRIVATE_URLS = env_bool("IMGSITE_ALLOW_PRIVATE_URLS", False)
# Local sources (folder, urls CSV, unsplash-lite) may only read below these folders (comma
# separated). The default is the project's imports/ folder and the home folder of the user running
# the site; production should name its import folders explicitly.
IMGSITE_FOLDER_ROOTS = [
    Path(root).expanduser()
    for root in env_list("IMGSITE_FOLDER_ROOTS", [str(BASE_DIR / "imports"), str(Path.home())])
]
# A pretrained image encoder's ONNX file (e.g. CLIP ViT-B/32's image half, see the README's "Visual
# features"); empty: the built-in descriptor, which needs no weights. After a change, run
# `manage.py analyse --features`.
IMGSITE_EMBEDDER_ONNX = env_str("IMGSITE_EMBEDDER_ONNX", "")
# Images with more pixels than this are refused as likely decompression bombs.
IMGSITE_MAX_IMAGE_PIXELS = env_int("IMGSITE_MAX_IMAGE_PIXELS", 120_000_000)
# Licences accepted besides CC0, public domain, CC BY and CC BY-SA (short names, comma separated).
IMGSITE_EXTRA_LICENCES = env_list("IMGSITE_EXTRA_LICENCES")

# --- Caches, login limits, profiles ---------------------------------------------------------------
# Per-process memory by default. CACHE_URL=redis://… shares the login limiter's counts and the
# profile-rebuild debounce between web and worker processes; production requires it.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions stay in the database alone (Django's default), not read through the cache (cached_db):
# with Redis down, cached_db fails every login (its exists() asks the cache unguarded), and a logout
# made while Redis was down would leave the session readable from the cache once Redis came back.
# Login limits (the site's and the admin's; why these three is in profiles/accounts/ratelimit.py):
# failures per account and address, per address, and the account-wide count after which every
# attempt from an address that never logged in to it waits 1, 2, 4 … seconds, up to the maximum.
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP", 5)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 20)
LOGIN_ACCOUNT_SLOWDOWN_AFTER = env_int("LOGIN_ACCOUNT_SLOWDOWN_AFTER", 10)
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = env_int("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 300)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 30)
# How many proxies in front of the site append to X-Forwarded-For (nginx with
# $proxy_add_x_forwarded_for: 1). 0 trusts no header and uses the connecting address.
IMGSITE_TRUSTED_PROXY_COUNT = env_int("IMGSITE_TRUSTED_PROXY_COUNT", 0)
# JSON API limits (imgsite/api_limits.py), in fixed windows counted in the shared cache: requests per
# token (or signed-in browser) and per client address. Over either, 429 with Retry-After.
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60)
API_MAX_REQUESTS_PER_CREDENTIAL = env_int("API_MAX_REQUESTS_PER_CREDENTIAL", 300)
API_MAX_REQUESTS_PER_IP = env_int("API_MAX_REQUESTS_PER_IP", 600)
# A burst of likes rebuilds a taste profile at most once per this many seconds.
IMGSITE_PROFILE_REBUILD_DELAY = env_int("IMGSITE_PROFILE_REBUILD_DELAY", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"level": "INFO"},
        # In-process tasks would print a "succeeded" line per photo over the progress bar.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

DEBUG = env_bool("DEBUG", DEBUG)
