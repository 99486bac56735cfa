"""The site's URLs plus the documents API at api/documents/, where the API root includes it."""

from django.urls import include, path

from rectify.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("api/documents/", include("rectify.documents.api.urls")), *site_urlpatterns]
