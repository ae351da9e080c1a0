"""WSGI entry point, used by gunicorn: `gunicorn imgsite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.production")

application = get_wsgi_application()
