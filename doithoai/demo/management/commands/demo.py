"""Load the demo commune (Tân Yên) with its 2026 plan, dialogues and opinions; twice changes nothing."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from doithoai.accounts.models import Unit
from doithoai.demo.commune import CREDENTIALS, DEMO_PASSWORD
from doithoai.demo.loader import demo_loaded, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: xã Tân Yên, kế hoạch năm 2026, các buổi đối thoại và ý kiến (chạy lại không thay đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Ngày 'hôm nay' của dữ liệu mẫu (YYYY-MM-DD); mặc định là hôm nay.")
        parser.add_argument("--quiet", action="store_true", help="Không in tài khoản mẫu.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào (dùng cho make run)."
        )

    def handle(self, *args, today=None, quiet=False, if_empty=False, **options):
        if not settings.DEMO:
            # The demo's accounts share a published password: never let them into a real deployment by mistake.
            raise CommandError(
                "Dữ liệu mẫu chỉ nạp ở chế độ chạy thử: đặt biến môi trường DOITHOAI_DEMO=1 "
                "(các tài khoản mẫu dùng chung một mật khẩu công khai, không dùng cho hệ thống thật)."
            )
        if if_empty and Unit.objects.exists() and not demo_loaded():
            self.stderr.write("Cơ sở dữ liệu đã có dữ liệu thật; không nạp dữ liệu mẫu.")
            return
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError("Ngày không hợp lệ, cần dạng YYYY-MM-DD.") from error
        result = load_demo(day)
        if result is None:
            self.stderr.write("Dữ liệu mẫu đã có; không thay đổi gì.")
        else:
            self.stderr.write(
                f"Đã nạp dữ liệu mẫu: {result['dialogues']} buổi đối thoại, {result['reception_days']} ngày tiếp "
                f"công dân, {result['opinions']} ý kiến."
            )
        if not quiet and (settings.DEMO or settings.DEBUG):
            self.stdout.write(credentials_text())


def credentials_text() -> str:
    lines = [f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):"]
    lines += [f"  {username:<12} {what}" for username, what in CREDENTIALS]
    return "\n".join(lines)
