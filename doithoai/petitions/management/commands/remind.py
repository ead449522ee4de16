"""`doithoai remind`: the morning sweep of reminders (đôn đốc), digests and escalations; safe to run many times."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from doithoai.accounts.models import Unit
from doithoai.lib import clock
from doithoai.notifications.models import Notification
from doithoai.petitions import reminders

N = Notification.Kind


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Gửi nhắc việc: nhắc cơ quan chủ trì trước hạn và khi quá hạn, bản tổng hợp hằng ngày cho Văn phòng Đảng ủy, "
        "báo cáo Thường trực các ý kiến quá hạn kéo dài. Chạy lại trong ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            type=_non_negative,
            default=None,
            metavar="N",
            help=f"Nhắc khi còn N ngày làm việc đến hạn (mặc định DOITHOAI_REMIND_BEFORE = {settings.REMIND_BEFORE}).",
        )
        parser.add_argument(
            "--escalate-after",
            type=_non_negative,
            default=None,
            metavar="N",
            help="Báo cáo Thường trực khi quá hạn hơn N ngày làm việc "
            f"(mặc định DOITHOAI_ESCALATE_AFTER = {settings.ESCALATE_AFTER}).",
        )
        parser.add_argument("--unit", action="append", metavar="SLUG", help="Chỉ xã này (có thể ghi nhiều lần).")
        parser.add_argument(
            "--any-day", action="store_true", help="Gửi cả vào ngày nghỉ (mặc định: ngày nghỉ không gửi gì)."
        )

    def handle(self, *args, before=None, escalate_after=None, unit=None, any_day=False, **options):
        units = None
        if unit:
            units = list(Unit.objects.filter(slug__in=unit, level=Unit.Level.COMMUNE).order_by("pk"))
            missing = sorted(set(unit) - {u.slug for u in units})
            if missing:
                raise CommandError(f"Không có xã với mã: {', '.join(missing)}")
        queued = reminders.run(before=before, escalate_after=escalate_after, units=units, any_day=any_day)
        self.stdout.write(
            f"Nhắc việc ngày {clock.today():%d/%m/%Y}: {queued[N.DUE_SOON]} nhắc sắp đến hạn, "
            f"{queued[N.OVERDUE]} nhắc quá hạn, {queued[N.ESCALATION]} báo cáo quá hạn kéo dài, "
            f"{queued[N.DIGEST]} bản tổng hợp; tổng {sum(queued.values())} thông báo mới."
        )
