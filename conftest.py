import os
import sys

# Jobs on the queue run at once, in the calling thread, in tests (Q_CLUSTER "sync"). The variable is
# for processes the tests start; this process read its settings before this file (pytest-django),
# so the fixture below switches its queue over too.
os.environ.setdefault("RECTIFY_JOBS_SYNC", "1")

import pytest


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once():
    from django.conf import settings
    from django_q.conf import Conf

    settings.Q_CLUSTER["sync"] = Conf.SYNC = True


@pytest.fixture(autouse=True, scope="session")
def _analysis_dir_of_this_process(tmp_path_factory):
    """The similarity index is files under RECTIFY_ANALYSIS_DIR (var/ by default), which every test process
    would share: one worker's demo would rebuild the index another worker's pages search (findings of another
    database, a query more or less on a finding's page). Each process gets its own, each test its own below."""
    from django.conf import settings

    settings.RECTIFY_ANALYSIS_DIR = str(tmp_path_factory.mktemp("analysis"))


@pytest.fixture(scope="session")
def django_db_use_migrations(request) -> bool:
    """The test database's tables: by the migrations on PostgreSQL (their SQL functions and indexes are
    PostgreSQL's, and the run there checks the schema the migrations build), from the models on SQLite, where
    the migrations' Python took 50 to 100 s per test process (``makemigrations --check`` in ``make test``
    holds the two equal; ``core/tests/test_backup.py`` migrates a fresh SQLite database with the console
    script). ``RECTIFY_TEST_MIGRATIONS=1`` migrates on SQLite too."""
    from django.db import connection

    if request.config.getvalue("nomigrations"):
        return False
    return connection.vendor != "sqlite" or os.environ.get("RECTIFY_TEST_MIGRATIONS") == "1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_use_migrations):
    """Without the migrations, their reference rows (the roles, the categories and deadline rules) are
    written as the migrations write them."""
    if not django_db_use_migrations:
        from rectify.accounts.reference import ensure_roles
        from rectify.findings.reference import ensure_reference_data

        with django_db_blocker.unblock():
            ensure_roles()
            ensure_reference_data()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECTIFY_ANALYSIS_DIR = str(tmp_path / "analysis")
    # The test client's login() passes no request, which the lockout backend needs; the lockout
    # has its own tests that switch it on.
    settings.AXES_ENABLED = False
    # Tests travel in time (years back and forth): passwords expire in the policy's own tests only.
    settings.RECTIFY_PASSWORD_MAX_AGE_DAYS = 0


@pytest.fixture(autouse=True, scope="session")
def _sign_in_defaults():
    """The second factor is owed by role outside demo mode; the tests sign in every role, so it is off
    here (for module fixtures too) and its own tests switch it on. Rate limits count in the test
    process's own cache, emptied before each test (below)."""
    from django.conf import settings

    settings.RECTIFY_OTP_REQUIRED = False
    settings.RECTIFY_THROTTLE_CACHE = "default"


_STATIC_SETTINGS = ("DEBUG", "FORCE_SCRIPT_NAME", "INSTALLED_APPS", "STATIC_ROOT", "STATIC_URL", "STATICFILES_DIRS",
                    "STATICFILES_FINDERS", "STORAGES")  # fmt: skip


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once_per_process():
    """Django's test client builds the middleware anew for every client it makes, and WhiteNoise's lists
    and reads the metadata of every static file the finders give, each time: 80 ms a client, minutes over
    the suite. The files do not change during a run, so the list is made once per test process (and per
    static-file settings: a test that changes them gets its own); every client serves the same files."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        names = sorted(name for name in dir(settings) if name.startswith("WHITENOISE_") or name in _STATIC_SETTINGS)
        key = (type(self), *((name, repr(getattr(settings, name))) for name in names))
        if key not in listed:
            before = dict(self.files)
            original(self)
            listed[key] = {url: found for url, found in self.files.items() if before.get(url) is not found}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    try:
        yield
    finally:
        WhiteNoiseMiddleware.add_files_from_finders = original


@pytest.fixture(autouse=True, scope="session")
def _reference_rows_again_after_a_flush():
    """A transactional test (the browser's, the concurrency tests) ends by flushing the database, the rows the
    migrations seed (roles, categories, deadline rules) included; Django then sends post_migrate, on which they
    are seeded again here, so that every test meets the database as the migrations leave it, whichever test
    ran before it on its process."""
    from django.db.models.signals import post_migrate

    def seed_again(sender, **kwargs):
        if sender.label != "findings":  # post_migrate is sent once per application: seed once
            return
        from rectify.accounts.reference import ensure_roles
        from rectify.findings.reference import ensure_reference_data

        ensure_roles()
        ensure_reference_data()

    post_migrate.connect(seed_again, dispatch_uid="rectify-tests-reference-rows")
    try:
        yield
    finally:
        post_migrate.disconnect(dispatch_uid="rectify-tests-reference-rows")


@pytest.fixture(autouse=True)
def _rate_counts_from_nothing():
    from django.core.cache import caches

    caches["default"].clear()


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """The test world, built once per test module (on each xdist worker that runs the module) inside a
    transaction that is rolled back when the module is done. Each test runs in a savepoint within it
    (pytest-django's ``db``), so what a test writes is gone before the next one."""
    from django.db import transaction
    from django.test import override_settings

    from rectify.testing import build_world

    block = transaction.atomic()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        block.__enter__()
        try:
            built = build_world()
        except BaseException:
            block.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def world(request, _module_world, db):
    """The module's test world, in instances of this test's own (see ``World.fresh``)."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        pytest.fail("`world` lives in a transaction rolled back per module; a transactional test builds its own")
    return _module_world.fresh()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The test world makes twenty accounts; the production hasher's work factor would dominate the suite's time.
    settings.PASSWORD_HASHERS = FAST_HASHER


# --- browser tests (Playwright driving Debian's Chromium) -------------------------------------

import os  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("RECTIFY_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1440, "height": 900}}  # fmt: skip


@pytest.fixture
def screenshots():
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
