import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role fixtures set passwords; a cheap hasher keeps these many small tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
