"""The console script and the settings that production and the demo depend on."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from doithoai import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DOITHOAI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=ROOT)


def test_serve_help_lists_the_worker_flag(capsys):
    assert cli.main(["serve", "--help"]) == 0
    assert "--with-worker" in capsys.readouterr().out


def test_serve_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = run_python(
        "import sys; from doithoai import cli; sys.exit(cli.main(['serve']))", DOITHOAI_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_serve_refuses_to_start_in_production_without_a_base_url(tmp_path):
    result = run_python(
        "import sys; from doithoai import cli; sys.exit(cli.main(['serve', '--host', '0.0.0.0']))",
        DOITHOAI_DATA_DIR=str(tmp_path),
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 2
    assert "đặt biến môi trường DOITHOAI_BASE_URL" in result.stderr
    assert not (tmp_path / "doithoai.sqlite3").exists()  # refused before migrating anything


def test_serve_prints_the_base_url_derived_in_the_demo(tmp_path):
    """What `make run PORT=8101` gives the demo loader and the server: the address it serves on."""
    result = run_python(
        "import sys; from doithoai import cli; sys.exit(cli.main(['serve', '--port', '8101', '--print-base-url']))",
        DOITHOAI_DATA_DIR=str(tmp_path),
        DOITHOAI_DEMO="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "http://127.0.0.1:8101\n"


def test_https_settings_follow_their_own_variable_not_debug():
    code = "import doithoai.settings as s; print(getattr(s, 'SECURE_SSL_REDIRECT', False), getattr(s, 'SESSION_COOKIE_SECURE', False), getattr(s, 'SECURE_HSTS_SECONDS', 0))"
    assert run_python(code, DOITHOAI_HTTPS="1").stdout.split() == ["True", "True", "31536000"]
    assert run_python(code, DEBUG="1").stdout.split() == ["False", "False", "0"]


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "doithoai.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DOITHOAI_", "DJANGO_"))},
            "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-9f3a",
            "DOITHOAI_HTTPS": "1",
            "ALLOWED_HOSTS": "doithoai.tanyen.vn",
            "DOITHOAI_DATA_DIR": str(tmp_path),
            "DOITHOAI_BASE_URL": "https://doithoai.tanyen.vn",
            "EMAIL_HOST": "smtp.tanyen.vn",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='doithoai.settings'; django.setup();"
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_python(code, DOITHOAI_DATA_DIR=str(tmp_path), DOITHOAI_DEMO="1")
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr


@pytest.mark.django_db
def test_pages_render_with_the_manifest_static_storage(client, settings, tmp_path):
    """What `serve` does: collect static files, then serve with hashed names (a missing file is a 500)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "static" / "css").is_dir()
    for url in ("/", "/dang-nhap/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/static/css/app." in response.content.decode()


def test_migrate_makes_the_data_folder_and_help_makes_nothing(tmp_path):
    data = tmp_path / "new" / "data"
    ok = run_python("import sys; from doithoai import cli; sys.exit(cli.main(['--help']))", DOITHOAI_DATA_DIR=str(data))
    assert ok.returncode == 0 and not data.exists()
    done = run_python(
        "import sys; from doithoai import cli; sys.exit(cli.main(['migrate', '-v', '0']))",
        DOITHOAI_DATA_DIR=str(data),
        DOITHOAI_DEMO="1",
    )
    assert done.returncode == 0, done.stderr
    assert (data / "doithoai.sqlite3").exists()
