"""`doithoai check --deploy` reports as errors what must never reach production."""

import os
import subprocess
import sys

import pytest

from doithoai.demo.commune import DEMO_PASSWORD
from doithoai.operations import checks
from tests.factories import UserFactory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-9f3a",
    "DOITHOAI_HTTPS": "1",
    "ALLOWED_HOSTS": "doithoai.tanyen.vn",
    "DOITHOAI_BASE_URL": "https://doithoai.tanyen.vn",
    "EMAIL_HOST": "smtp.tanyen.vn",
}


def _ids(problems) -> set[str]:
    return {p.id for p in problems}


@pytest.fixture
def production(settings):
    settings.DEMO = False
    settings.BEHIND_PROXY = False
    settings.PROXY_COUNT = 0
    settings.BASE_URL_FROM_ENV = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.tanyen.vn"
    settings.SMS_BACKEND = ""
    return settings


def test_a_complete_production_configuration_has_no_problem(production):
    assert checks.production_settings(None) == []


def test_demo_mode_is_an_error(production):
    production.DEMO = True
    assert _ids(checks.production_settings(None)) == {"doithoai.E001"}


def test_behind_a_proxy_without_a_proxy_count_is_an_error(production):
    production.BEHIND_PROXY = True
    assert _ids(checks.production_settings(None)) == {"doithoai.E002"}
    production.PROXY_COUNT = 1
    assert checks.production_settings(None) == []


def test_a_missing_base_url_is_an_error(production):
    production.BASE_URL_FROM_ENV = False
    problems = checks.production_settings(None)
    assert _ids(problems) == {"doithoai.E003"}
    assert "DOITHOAI_BASE_URL" in problems[0].msg


def test_the_console_mail_backend_is_an_error_and_no_mail_server_a_warning(production):
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [p.id for p in checks.production_settings(None)] == ["doithoai.E004"]
    production.EMAIL_BACKEND = "doithoai.notifications.backends.OutboxOnly"  # no EMAIL_HOST: the default
    problems = checks.production_settings(None)
    assert _ids(problems) == {"doithoai.W001"} and problems[0].is_serious() is False


def test_sms_kept_in_the_outbox_is_a_warning(production):
    production.SMS_BACKEND = "outbox"
    assert _ids(checks.production_settings(None)) == {"doithoai.W002"}


@pytest.mark.django_db
def test_an_account_with_the_demo_password_is_an_error_naming_it(production):
    UserFactory(username="vanphong", password=DEMO_PASSWORD)
    UserFactory(username="bithu", password="mot-mat-khau-rieng-2026")
    UserFactory(username="cu", password=DEMO_PASSWORD, is_active=False)  # cannot log in: not reported
    problems = checks.demo_passwords(None)
    assert _ids(problems) == {"doithoai.E005"}
    assert "vanphong" in problems[0].msg and "bithu" not in problems[0].msg and "cu," not in problems[0].msg


@pytest.mark.django_db
def test_no_demo_password_no_error(production):
    UserFactory(username="bithu", password="mot-mat-khau-rieng-2026")
    assert checks.demo_passwords(None) == []


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DOITHOAI_", "DJANGO_", "EMAIL_"))}
    environment.pop("DATABASE_URL", None)
    environment.update({"DOITHOAI_DATA_DIR": str(tmp_path), **env})
    command = [sys.executable, "-m", "doithoai.cli", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment)


def test_check_deploy_fails_with_the_demo_password_in_the_database_and_creates_nothing(tmp_path):
    empty = _check_deploy(tmp_path, **PRODUCTION)
    assert empty.returncode == 0, empty.stderr
    assert list(tmp_path.iterdir()) == []  # no database was created by the check
    migrate = [sys.executable, "-m", "doithoai.cli", "migrate", "-v", "0"]
    environment = {**os.environ, "DOITHOAI_DATA_DIR": str(tmp_path), "DOITHOAI_DEMO": "1"}
    environment.pop("DATABASE_URL", None)
    subprocess.run(migrate, check=True, cwd=ROOT, env=environment)
    create = (
        f"from doithoai.accounts.models import User; User.objects.create_user('vanphong', password='{DEMO_PASSWORD}')"
    )
    subprocess.run([sys.executable, "-m", "doithoai.cli", "shell", "-c", create], check=True, cwd=ROOT, env=environment)
    result = _check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode != 0
    assert "doithoai.E005" in result.stderr and "vanphong" in result.stderr


def test_doithoai_demo_exits_non_zero_without_demo_mode(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DOITHOAI_", "DJANGO_"))}
    environment.pop("DATABASE_URL", None)
    environment["DOITHOAI_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "doithoai.cli", "demo"], capture_output=True, text=True, cwd=ROOT, env=environment
    )
    assert result.returncode != 0
    assert "DOITHOAI_DEMO=1" in result.stderr
