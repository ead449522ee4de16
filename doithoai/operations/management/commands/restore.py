import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from doithoai.operations import backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `doithoai backup` vào thư mục dữ liệu rỗng (SQLite) hoặc cơ sở dữ liệu rỗng "
        "của DATABASE_URL (PostgreSQL): kiểm tra manifest trước, rồi kiểm tra số dòng và mã SHA-256 sau khi khôi phục."
    )
    # Nothing may open the database before the restore: with SQLite that would create an empty file where the
    # restored one must go.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path, help="thư mục sao lưu (có manifest.json)")
        parser.add_argument(
            "--check", action="store_true", help="chỉ kiểm tra bản sao lưu (đủ tệp, đúng mã SHA-256), không khôi phục"
        )

    def handle(self, *args, src: Path, check: bool, **options):
        try:
            if check:
                manifest = backup.check_backup(src)
                result = {
                    "checked": str(src.resolve()),
                    "engine": manifest["engine"],
                    "created_at": manifest["created_at"],
                    "files": len(manifest["files"]),
                }
            else:
                result = backup.restore(
                    src, database=connections["default"].settings_dict, media_root=Path(settings.MEDIA_ROOT)
                )
        except backup.BackupError as error:
            self.stderr.write(f"doithoai restore: {error}")
            sys.exit(1)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
