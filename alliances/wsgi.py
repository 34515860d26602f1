"""WSGI entry point (gunicorn alliances.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliances.settings")
application = get_wsgi_application()
