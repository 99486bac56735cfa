import pytest


@pytest.fixture(autouse=True)
def _progress_in_memory(settings):
    # The progress record goes to the test's in-memory cache, not to the var directory; each test
    # starts with it empty.
    from django.core.cache import caches

    settings.RECTIFY_EXCHANGE_CACHE = "default"
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _own_run_locks(settings, tmp_path):
    # ``rectify import-ledger`` refuses to overlap with another run (a file lock under the var
    # directory): each test gets its own directory, so that tests running in parallel do not collide.
    settings.VAR_DIR = tmp_path / "var"
