"""Test settings. They build on base, never on production, and keep tasks in-process."""

import tempfile
from pathlib import Path

from imgsite.settings.base import *  # noqa: F403
from imgsite.settings.env import env_str

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the app folders; tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
# The media storage is base's: the local disk, unless a test run sets IMGSITE_STORAGE=s3 (the
# several-machines integration test starts its processes so).
STORAGES = {
    "default": MEDIA_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks in-process; the integration suite sets a real broker itself.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://localhost/"
IMGSITE_RETRY_BACKOFF = 0.0
IMGSITE_CONNECT_TIMEOUT = 2.0
IMGSITE_READ_TIMEOUT = 2.0
# The fake HTTP servers listen on 127.0.0.1, and tests build their folders under the temp folder.
IMGSITE_ALLOW_PRIVATE_URLS = True
IMGSITE_FOLDER_ROOTS = [Path(tempfile.gettempdir())]
LOGGING = {"version": 1, "disable_existing_loggers": False}
