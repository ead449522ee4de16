"""Shared test set-up: fast hashing, plain static storage, a temporary media folder, factories as fixtures."""

import os

import pytest

from tests import factories

pytest_plugins = ["tests.render_capture"]  # writes the rendered pages only when DOITHOAI_CAPTURE_HTML is set

# Live-server browser tests drive a sync Playwright inside pytest's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_TODAY = ""
    settings.DEMO = False


@pytest.fixture(autouse=True)
def _no_random_purge(monkeypatch):
    """Requests purge old rate counters and idempotency keys now and then (1 in 100, at random): never in tests,
    so counts and query budgets are the same on every run (the purges themselves are tested directly)."""
    from doithoai.api import idempotency, ratelimit

    monkeypatch.setattr(ratelimit, "PURGE_CHANCE", 0)
    monkeypatch.setattr(idempotency, "PURGE_CHANCE", 0)


@pytest.fixture
def commune(db):
    """A commune (with its province) and its usual organisations."""
    return factories.CommuneSet.create()


@pytest.fixture
def other_commune(db):
    return factories.CommuneSet.create(name="Xã Ngọc Thiện", slug="ngoc-thien")


@pytest.fixture
def user_with_role(db):
    """Make an account with one role: user_with_role("agency", commune.unit, org)."""

    def make(role, unit, organization=None, username=None):
        return factories.user_with_role(role, unit, organization, username=username)

    return make


DEMO_NOW = "2026-11-27 09:00 +0700"  # a Friday in late November 2026, as DESIGN.md's demo describes


@pytest.fixture
def frozen_demo_now():
    import time_machine

    with time_machine.travel(DEMO_NOW, tick=False):
        yield


@pytest.fixture
def demo(db, frozen_demo_now):
    """The demo commune loaded as of 27/11/2026."""
    from doithoai.demo.loader import load_demo

    return load_demo()
