"""WSGI entry point, used by gunicorn: `gunicorn imgsite.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.production")

application = get_wsgi_application()

# What a worker has loaded by now (Django, the site's views and what they import: numpy, scipy,
# scikit-learn, matplotlib; about 290,000 objects) lives as long as the worker. Frozen, the cyclic
# garbage collector stops scanning it: a full collection over it paused a request for 160-235 ms,
# and now scans only what requests have left since (bench/README.md).
get_resolver().url_patterns  # noqa: B018 - imports every view now rather than on the first request
gc.freeze()
