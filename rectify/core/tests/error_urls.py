"""The site's URLs plus one that fails, to see the 500 page."""

from django.urls import path

from rectify.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a failure the test provokes")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
