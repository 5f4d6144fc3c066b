import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

from common.checks import production_settings_enforce  # noqa: E402  (needs the settings loaded above)

production_settings_enforce()
