"""WSGI entry point, used by gunicorn: ``gunicorn espri_ia.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espri_ia.settings")

application = get_wsgi_application()
