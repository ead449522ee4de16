"""Every link the product prints or sends is built on DOITHOAI_BASE_URL (lib/urls.py): required in production,
derived from the serving address in the demo, and used by receipts, QR codes, printed slips, announcements and
messages alike."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from doithoai import cli
from doithoai.lib import qr, urls
from doithoai.notifications.models import Notification
from doithoai.operations import checks
from doithoai.petitions import notices
from doithoai.plans import announcing
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
LAN = "http://192.168.1.20:8101"


# ---------------------------------------------------------------- the address derived from where the demo serves


@pytest.mark.parametrize(
    "host,port,expected",
    [
        ("127.0.0.1", 8101, "http://127.0.0.1:8101"),
        ("localhost", 8000, "http://localhost:8000"),
        ("::1", 8101, "http://[::1]:8101"),
        ("[::1]", 8101, "http://[::1]:8101"),
        ("192.168.1.20", 8101, LAN),
        ("doithoai.local", 80, "http://doithoai.local"),
    ],
)
def test_the_base_is_the_address_served_on(host, port, expected):
    assert urls.serving_base_url(host, port) == expected


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_listening_everywhere_the_base_is_the_machines_address_on_the_network(host, monkeypatch):
    monkeypatch.setattr(urls, "outward_address", lambda ipv6=False: "fd00::5" if ipv6 else "192.168.1.20")
    assert urls.serving_base_url(host, 8101) == LAN


def test_without_a_network_listening_everywhere_falls_back_to_loopback(monkeypatch):
    monkeypatch.setattr(urls, "outward_address", lambda ipv6=False: "::1" if ipv6 else "127.0.0.1")
    assert urls.serving_base_url("0.0.0.0", 8101) == "http://127.0.0.1:8101"
    assert urls.serving_base_url("::", 8101) == "http://[::1]:8101"


def test_the_outward_address_is_a_real_address_of_this_machine():
    import ipaddress

    address = ipaddress.ip_address(urls.outward_address())
    assert address.version == 4 and not address.is_unspecified


@pytest.mark.parametrize(
    "value,ok",
    [
        ("https://doithoai.tanyen.bacninh.gov.vn", True),
        ("https://doithoai.tanyen.vn/", True),
        (LAN, True),
        ("doithoai.tanyen.vn", False),
        ("ftp://doithoai.tanyen.vn", False),
        ("https://tanyen.vn/doithoai", False),
        ("https://tanyen.vn/?a=1", False),
        ("http://tanyen.vn:port", False),
        ("", False),
    ],
)
def test_a_base_url_is_a_scheme_a_host_and_a_port_only(value, ok):
    assert (urls.base_url_problem(value) == "") is ok


# ---------------------------------------------------------------- `doithoai serve` sets it, or refuses


@pytest.fixture
def serve_spy(monkeypatch, settings):
    """`serve` in this process, with nothing started: what each child would have been given."""
    started = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr(cli, "_spawn", lambda command, **kw: started.append((command, dict(os.environ))) or object())
    monkeypatch.setattr(cli, "_supervise", lambda server, worker, sweeper: 0)
    monkeypatch.delenv("DOITHOAI_BASE_URL", raising=False)
    settings.DEBUG = False
    settings.BASE_URL = "http://127.0.0.1:8000"
    return started


def test_serve_in_the_demo_gives_the_server_worker_and_clean_ups_the_address_it_serves_on(serve_spy, settings):
    settings.DEMO = True
    assert cli.serve(["--host", "127.0.0.1", "--port", "8101", "--with-worker", "--no-migrate"]) == 0
    commands = [" ".join(command) for command, _ in serve_spy]
    assert any("db_worker" in c for c in commands) and any("granian" in c for c in commands)
    assert all(env["DOITHOAI_BASE_URL"] == "http://127.0.0.1:8101" for _, env in serve_spy)
    assert settings.BASE_URL == "http://127.0.0.1:8101"
    sweeper = cli.Sweeper(60, now=0.0)
    assert sweeper.command[-1] == "sweep"  # started by _spawn as well, so with the same environment


def test_serve_keeps_a_configured_base_url(serve_spy, settings, monkeypatch):
    settings.DEMO = True
    monkeypatch.setenv("DOITHOAI_BASE_URL", "https://doithoai.tanyen.vn/")
    assert cli.serve(["--port", "8101", "--no-migrate"]) == 0
    assert serve_spy[0][1]["DOITHOAI_BASE_URL"] == "https://doithoai.tanyen.vn"


def test_serve_refuses_a_malformed_base_url(serve_spy, settings, monkeypatch, capsys):
    settings.DEMO = True
    monkeypatch.setenv("DOITHOAI_BASE_URL", "doithoai.tanyen.vn")
    assert cli.serve(["--no-migrate"]) == 2
    assert "DOITHOAI_BASE_URL=doithoai.tanyen.vn cần có dạng https://" in capsys.readouterr().err
    assert serve_spy == []


def test_serve_in_production_refuses_to_start_without_a_base_url(serve_spy, settings, capsys):
    settings.DEMO = False
    settings.SECRET_KEY_FROM_ENV = True
    assert cli.serve(["--host", "0.0.0.0", "--no-migrate"]) == 2
    error = capsys.readouterr().err
    assert "đặt biến môi trường DOITHOAI_BASE_URL" in error and "mã QR" in error
    assert serve_spy == []


def test_print_base_url_prints_the_derived_address_and_starts_nothing(serve_spy, settings, capsys):
    settings.DEMO = True
    assert cli.serve(["--host", "127.0.0.1", "--port", "8101", "--print-base-url"]) == 0
    assert capsys.readouterr().out == "http://127.0.0.1:8101\n"
    assert serve_spy == []


def test_the_demo_answers_to_the_host_of_its_links(tmp_path):
    from tests.test_cli_and_settings import run_python

    code = "import doithoai.settings as s; print(s.BASE_URL, s.ALLOWED_HOSTS)"
    demo = run_python(code, DOITHOAI_DEMO="1", DOITHOAI_BASE_URL=LAN, DOITHOAI_DATA_DIR=str(tmp_path)).stdout
    assert demo.startswith(LAN) and "'192.168.1.20'" in demo
    # Production lists its hosts itself: nothing is added behind its back.
    production = run_python(code, DOITHOAI_BASE_URL=LAN, ALLOWED_HOSTS="doithoai.tanyen.vn").stdout
    assert "192.168.1.20'" not in production


# ---------------------------------------------------------------- `check --deploy`


@pytest.fixture
def production(settings):
    settings.DEMO = False
    settings.BEHIND_PROXY = False
    settings.BASE_URL_FROM_ENV = True
    settings.BASE_URL = "https://doithoai.tanyen.vn"
    settings.ALLOWED_HOSTS = ["doithoai.tanyen.vn"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMS_BACKEND = ""
    return settings


def test_deploy_check_accepts_a_base_url_the_site_answers_to(production):
    assert checks.production_settings(None) == []


def test_deploy_check_reports_a_malformed_base_url(production):
    production.BASE_URL = "doithoai.tanyen.vn"
    assert [p.id for p in checks.production_settings(None)] == ["doithoai.E003"]


def test_deploy_check_reports_a_base_url_outside_allowed_hosts(production):
    production.ALLOWED_HOSTS = ["tanyen.vn"]
    problems = checks.production_settings(None)
    assert [p.id for p in problems] == ["doithoai.E006"] and "ALLOWED_HOSTS" in problems[0].msg


# ---------------------------------------------------------------- what is printed and sent uses it


@pytest.fixture
def lan(settings):
    settings.BASE_URL = LAN
    return settings


def test_the_receipt_and_its_qr_code_lead_to_the_configured_address(client, commune, lan):
    petition = factories.PetitionFactory(unit=commune.unit)
    status = f"{LAN}/tra-cuu/{petition.code}/"
    for page in ("?moi=1", "?moi=1&in=1"):
        html = client.get(f"/tra-cuu/{petition.code}/{page}").content.decode()
        assert status in html and "127.0.0.1:8000" not in html
    svg = client.get(f"/tra-cuu/{petition.code}/qr.svg").content.decode()
    assert svg == qr.svg(status, title=f"Mã QR: {petition.code}")


def test_the_receipt_sent_by_email_and_sms_carries_the_configured_address(
    commune, lan, django_capture_on_commit_callbacks
):
    lan.SMS_BACKEND = "outbox"
    petition = factories.PetitionFactory(
        unit=commune.unit, submitter_email="dan@example.vn", submitter_phone="0912345678"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notices.receipt(petition)
    sent = Notification.objects.filter(petition=petition)
    assert {n.channel for n in sent} == {"email", "sms"}
    assert all(f"{LAN}/tra-cuu/{petition.code}/" in n.body for n in sent)


def test_printed_slips_qr_codes_lead_to_the_configured_address(client, commune, lan, user_with_role):
    coordinator = user_with_role("coordinator", commune.unit)
    dialogue = factories.DialogueFactory(unit=commune.unit, plan__unit=commune.unit)
    client.force_login(coordinator)
    for kind, target in (
        ("speaker", f"{LAN}/doi-thoai/{dialogue.pk}/dang-ky-phat-bieu/"),
        ("opinion", f"{LAN}/gui-y-kien/?buoi={dialogue.pk}"),
    ):
        response = client.post(reverse("plans:slips", args=[dialogue.pk]), {"kind": kind, "count": 1})
        html = client.get(response["Location"]).content.decode()
        title = "Mã QR: " + ("đăng ký phát biểu" if kind == "speaker" else "gửi ý kiến")
        assert qr.svg(target, title=title) in html


def test_the_announcement_text_links_to_the_configured_address(commune, lan):
    dialogue = factories.DialogueFactory(unit=commune.unit, plan__unit=commune.unit)
    text = announcing.portal_text(dialogue, urls.base_url())
    assert LAN + reverse("portal:dialogue_detail", args=[dialogue.pk]) in text
    assert LAN + reverse("portal:commune_submit", args=[commune.unit.slug]) in text


def test_no_module_builds_a_link_on_its_own():
    """Every absolute link goes through lib/urls.py: no other module reads settings.BASE_URL or names a host."""
    allowed = {"settings.py", "lib/urls.py", "cli.py", "operations/checks.py"}
    offenders = []
    for path in (ROOT / "doithoai").rglob("*.py"):
        relative = path.relative_to(ROOT / "doithoai").as_posix()
        if relative in allowed or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"settings\.BASE_URL|127\.0\.0\.1:\d|localhost:\d", text):
            offenders.append(relative)
    assert offenders == []
