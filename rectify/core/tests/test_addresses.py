"""One client-address reader for the rate limits, the security log and the sign-in lockout."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory, override_settings
from rest_framework.request import Request

from rectify.core.addresses import client_address
from rectify.core.throttling import AddressRateThrottle
from rectify.security_log import services as security_log_services


def _request(remote: str = "10.0.0.9", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


CASES = [
    # (proxies declared, X-Forwarded-For, expected address)
    (0, None, "10.0.0.9"),
    (0, "1.2.3.4", "10.0.0.9"),  # no proxy declared: the header is the client's own word
    (1, "1.2.3.4", "1.2.3.4"),
    (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged first entry does not count
    (2, "6.6.6.6, 1.2.3.4, 172.16.0.1", "1.2.3.4"),
    (2, "1.2.3.4", "10.0.0.9"),  # shorter than the proxies declared: the peer
    (1, "not-an-address", None),
]


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), CASES)
def test_every_reader_tells_the_same_address(proxies, forwarded, expected):
    request = _request(forwarded=forwarded)
    with override_settings(RECTIFY_PROXY_COUNT=proxies):
        assert client_address(request) == expected
        assert AddressRateThrottle().get_ident(Request(request)) == (expected or "")
        assert get_client_ip_address(request) == expected
        assert security_log_services.client_address is client_address
