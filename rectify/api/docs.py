"""The OpenAPI document and its docs page, for signed-in callers only (a session or a token).

Anonymous, the schema answers 401 and the docs page sends the browser to the sign-in page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated

from rectify.accounts.authentication import SessionAuthentication, TokenAuthentication


class SchemaView(SpectacularAPIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            query = urlencode({"next": self.request.get_full_path()})
            return HttpResponseRedirect(f"{settings.LOGIN_URL}?{query}")
        return super().handle_exception(exc)
