"""Deployment checks (`doithoai check --deploy`): what must never reach production, reported as errors."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connection
from django.db.utils import DatabaseError
from django.http.request import split_domain_port, validate_host

from doithoai.demo.commune import DEMO_PASSWORD
from doithoai.lib import urls

PRINTING_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)
OUTBOX_ONLY = "doithoai.notifications.backends.OutboxOnly"


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs) -> list:
    """Demo mode, a proxy set up half-way, no public address for links, e-mail printed instead of sent."""
    problems = []
    if settings.DEMO:
        problems.append(
            Error(
                "DOITHOAI_DEMO=1: chế độ chạy thử đang bật (hiện tài khoản mẫu, chạy HTTP thường).",
                hint="Bỏ DOITHOAI_DEMO (hoặc đặt 0) trên máy chủ thật.",
                id="doithoai.E001",
            )
        )
    if settings.BEHIND_PROXY and settings.PROXY_COUNT <= 0:
        problems.append(
            Error(
                "DOITHOAI_BEHIND_PROXY=1 nhưng DOITHOAI_PROXY_COUNT=0: mọi người dùng sẽ có chung địa chỉ của máy chủ "
                "trung gian, nên giới hạn truy cập và khóa đăng nhập áp dụng cho tất cả cùng lúc.",
                hint="Đặt DOITHOAI_PROXY_COUNT bằng số máy chủ trung gian đứng trước ứng dụng (thường là 1).",
                id="doithoai.E002",
            )
        )
    if not settings.BASE_URL_FROM_ENV:
        problems.append(
            Error(
                "Chưa đặt DOITHOAI_BASE_URL: đường dẫn trong thư, tin nhắn, mã QR và biên nhận sẽ trỏ về 127.0.0.1.",
                hint="Đặt DOITHOAI_BASE_URL là địa chỉ người dân truy cập, ví dụ https://doithoai.tanyen.bacninh.gov.vn",
                id="doithoai.E003",
            )
        )
    elif problem := urls.base_url_problem(settings.BASE_URL):
        problems.append(
            Error(
                f"DOITHOAI_BASE_URL={settings.BASE_URL} {problem}",
                hint="Đặt DOITHOAI_BASE_URL là địa chỉ người dân truy cập, ví dụ https://doithoai.tanyen.bacninh.gov.vn",
                id="doithoai.E003",
            )
        )
    elif not validate_host(split_domain_port(urlsplit(settings.BASE_URL).netloc)[0], settings.ALLOWED_HOSTS):
        problems.append(
            Error(
                f"Địa chỉ {settings.BASE_URL} (DOITHOAI_BASE_URL) không có trong ALLOWED_HOSTS: mọi đường dẫn trong thư, "
                "tin nhắn và mã QR sẽ bị máy chủ từ chối (lỗi 400).",
                hint="Thêm tên miền của DOITHOAI_BASE_URL vào ALLOWED_HOSTS.",
                id="doithoai.E006",
            )
        )
    if settings.EMAIL_BACKEND in PRINTING_BACKENDS:
        problems.append(
            Error(
                "EMAIL_BACKEND in thư ra nhật ký (console): thư không được gửi đi, và thư hệ thống sẽ nằm trong nhật ký "
                "máy chủ cùng địa chỉ người nhận.",
                hint="Đặt EMAIL_HOST (và tài khoản gửi thư) và bỏ EMAIL_BACKEND.",
                id="doithoai.E004",
            )
        )
    elif settings.EMAIL_BACKEND == OUTBOX_ONLY:
        problems.append(
            Warning(
                "Chưa cấu hình máy chủ gửi thư (EMAIL_HOST): thư chỉ được lưu trong hộp thư đi, không gửi tới người nhận.",
                hint="Đặt EMAIL_HOST, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD.",
                id="doithoai.W001",
            )
        )
    if settings.SMS_BACKEND in ("outbox", "console"):
        problems.append(
            Warning(
                "DOITHOAI_SMS_BACKEND=outbox: tin nhắn chỉ được lưu trong hộp thư đi, không gửi tới người nhận.",
                hint="Đặt DOITHOAI_SMS_BACKEND là cổng SMS thật, hoặc để trống nếu không dùng SMS.",
                id="doithoai.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def demo_passwords(app_configs, **kwargs) -> list:
    """Any active account whose password is the demo's published one (each password hash checked once)."""
    users = _active_accounts()
    if users is None:
        return []
    found = [u.username for u in users if u.check_password(DEMO_PASSWORD)]
    if not found:
        return []
    names = ", ".join(found[:20]) + ("…" if len(found) > 20 else "")
    return [
        Error(
            f"{len(found)} tài khoản còn dùng mật khẩu mẫu “{DEMO_PASSWORD}”: {names}.",
            hint="Đổi mật khẩu các tài khoản này (doithoai changepassword <tên>) hoặc khóa chúng trước khi đưa vào dùng.",
            id="doithoai.E005",
        )
    ]


def _active_accounts():
    """The active accounts, or None when there is no migrated database to read (a check never creates one)."""
    from doithoai.accounts.models import User

    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not _exists(name):
            return None
    try:
        if User._meta.db_table not in connection.introspection.table_names():
            return None
        return list(User.objects.filter(is_active=True).only("username", "password"))
    except DatabaseError:
        return None


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).exists()
