import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
application = get_wsgi_application()

from govhall.core.checks import refuse_development_keys  # noqa: E402  (needs the apps loaded)

refuse_development_keys()
