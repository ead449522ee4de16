import json

from django.core.management.base import BaseCommand

from doithoai.operations import sweep


class Command(BaseCommand):
    help = "Dọn dẹp định kỳ: tệp nhập chưa xác nhận, thông báo bị kẹt, khóa chống gửi lặp, bộ đếm truy cập cũ."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=f"chỉ chạy các việc này: {', '.join(sweep.SWEEPS)}")

    def handle(self, *args, names, **options):
        unknown = [n for n in names if n not in sweep.SWEEPS]
        if unknown:
            self.stderr.write(f"Không có việc dọn dẹp: {', '.join(unknown)}")
            raise SystemExit(2)
        done = sweep.run_all(names or None)
        self.stdout.write(json.dumps(done, ensure_ascii=False))
        if any(count < 0 for count in done.values()):
            raise SystemExit(1)
