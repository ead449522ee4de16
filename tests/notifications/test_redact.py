"""Masking a contact for the outbox and the admin; replacing contacts in any text for the logs; the settings that
keep e-mail out of the console and put the filter on the log handler."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doithoai.notifications.redact import mask_email, mask_phone, mask_recipient, redact

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "address, masked",
    [
        ("to.cao.nguoi@gmail.com", "t***@g***.com"),
        ("a@tanyen.bacninh.gov.vn", "a***@t***.vn"),
        ("x@localhost", "x***@l***"),
    ],
)
def test_an_email_keeps_only_its_first_letters_and_its_top_level_domain(address, masked):
    assert mask_email(address) == masked == mask_recipient(address)


@pytest.mark.parametrize(
    "phone, masked", [("0912345612", "09******12"), ("+84 912 345 612", "84*******12"), ("113", "***")]
)
def test_a_phone_keeps_only_two_digits_at_each_end(phone, masked):
    assert mask_phone(phone) == masked == mask_recipient(phone)


@pytest.mark.parametrize(
    "text, clean",
    [
        ("tới a.b+c@d-e.com.vn, lỗi", "tới [email], lỗi"),
        ("0987654321 / 0987 654 321 / 0987.654.321 / +84987654321 / 84 987 654 321", " / ".join(["[phone]"] * 5)),
        (
            "mã K7QX-M3RW-9HTD-B, id 12345, 2026-12-07 06:30, 0.25 s",
            "mã K7QX-M3RW-9HTD-B, id 12345, 2026-12-07 06:30, 0.25 s",
        ),
        ("", ""),
    ],
)
def test_redact_replaces_emails_and_phones_and_keeps_ids_codes_and_dates(text, clean):
    assert redact(text) == clean


def test_without_email_host_the_default_backend_keeps_messages_and_with_one_it_is_smtp(tmp_path):
    code = (
        "import importlib, os\n"
        "import doithoai.settings as s\n"
        "print(s.EMAIL_BACKEND, s.LOGGING['handlers']['stderr']['filters'])\n"
        "os.environ['EMAIL_HOST'] = 'smtp.tanyen.gov.vn'\n"
        "print(importlib.reload(s).EMAIL_BACKEND)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_"))}
    env["DOITHOAI_DATA_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.splitlines() == [
        "doithoai.notifications.backends.OutboxOnly ['redact']",
        "django.core.mail.backends.smtp.EmailBackend",
    ]
