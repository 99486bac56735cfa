import os

from django.core.wsgi import get_wsgi_application

from rectify.core.collector import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
application = get_wsgi_application()
settle()  # the modules are loaded: keep the collector off them (rectify.core.collector)
