import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from doithoai.operations import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (SQLite: API sao lưu trực tuyến; PostgreSQL: pg_dump) và các tệp tải lên vào thư mục "
        "DEST mới hoặc rỗng, kèm manifest.json với mã SHA-256 của từng tệp; chạy được khi máy chủ đang ghi."
    )
    # A backup must run even when a deployment check fails: it is what one takes before fixing things.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "dest", type=Path, help="thư mục sao lưu (mới hoặc rỗng), ví dụ /var/backups/doithoai/$(date +%%F)"
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="sau khi sao lưu xong, chỉ giữ N bản sao lưu mới nhất trong thư mục cha của DEST",
        )

    def handle(self, *args, dest: Path, keep: int | None, **options):
        if keep is not None and keep < 1:
            self._fail("--keep phải từ 1 trở lên.", code=2)
        try:
            manifest = backup.backup(
                dest.resolve(), database=connections["default"].settings_dict, media_root=Path(settings.MEDIA_ROOT)
            )
            removed = backup.prune(dest.resolve().parent, keep) if keep else []
        except backup.BackupError as error:
            self._fail(str(error))
        summary = {
            "backup": str(dest.resolve()),
            "engine": manifest["engine"],
            "created_at": manifest["created_at"],
            "rows": sum(manifest["row_counts"].values()),
            "files": len(manifest["files"]),
            "bytes": sum(entry["size"] for entry in manifest["files"]),
            "missing_media": len(manifest["missing_media"]),
            "seconds": manifest["seconds"],
            "removed": [str(path) for path in removed],
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def _fail(self, message: str, code: int = 1):
        self.stderr.write(f"doithoai backup: {message}")
        sys.exit(code)
