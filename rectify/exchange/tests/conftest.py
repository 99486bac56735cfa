import pytest


@pytest.fixture(autouse=True)
def _progress_in_memory(settings):
    # The progress record goes to the test's in-memory cache, not to the var directory.
    settings.RECTIFY_EXCHANGE_CACHE = "default"
