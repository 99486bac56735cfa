import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    from rectify.testing import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The test world makes twenty accounts; the production hasher's work factor would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
