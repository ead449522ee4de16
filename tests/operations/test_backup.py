"""`doithoai backup` / `doithoai restore`: a consistent copy taken while opinions are written, restored into an empty
data folder or database with every row and every file's checksum; damaged, incomplete or misplaced restores refused
with nothing touched.

The engine is the suite's own: SQLite by default, PostgreSQL when DATABASE_URL points at one (CI runs both). Backups
read the database through their own connections, so the tests that back up rows use `transactional_db` (committed
data); the refusals share one backup of the empty test database, made once, and need no database of their own.
"""

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import load_backend

from doithoai.accounts.models import Unit
from doithoai.operations import backup
from doithoai.petitions import actions
from doithoai.petitions.models import Petition

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only (DATABASE_URL)")
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite only (the suite without DATABASE_URL)")


def png() -> SimpleUploadedFile:
    """A small PNG with random bytes, so every attachment has its own checksum."""
    return SimpleUploadedFile("ảnh.png", b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(300), content_type="image/png")


def submit(unit, text: str = "Đường liên thôn xuống cấp") -> Petition:
    return actions.submit_petition(unit, content=text, channel=Petition.Channel.ONLINE, attachments=[png()])


def take_backup(dest: Path, settings) -> dict:
    return backup.backup(dest, database=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT))


@pytest.fixture(scope="module")
def restore_database(django_db_setup):
    """On PostgreSQL, a second database to restore into (created once; emptied before each test)."""
    if not ON_POSTGRESQL:
        yield None
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    with pg(dict(connection.settings_dict, NAME="postgres")) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    yield dict(connection.settings_dict, NAME=name)
    with pg(dict(connection.settings_dict, NAME="postgres")) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def target(tmp_path, restore_database):
    """An empty place to restore into: a new data folder, and on PostgreSQL an empty database."""
    folder = tmp_path / "restored"
    if restore_database is None:
        yield dict(connection.settings_dict, NAME=str(folder / "doithoai.sqlite3")), folder / "media"
        return
    with pg(restore_database) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    yield restore_database, folder / "media"


def pg(database: dict):
    import psycopg

    return psycopg.connect(**backup._pg_params(database), autocommit=True)


@contextlib.contextmanager
def opened(database: dict):
    """A Django connection to the restored database: what the product itself will read."""
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(database, "restored")
    try:
        yield wrapper
    finally:
        wrapper.close()


def row_counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        counts = {}
        for table in conn.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


# ------------------------------------------------------------------ back up and restore


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_restores_into_an_empty_data_folder_with_every_row_and_file(
    demo, target, tmp_path, settings
):
    unit = Unit.objects.get(slug="tan-yen")
    for n in range(3):
        submit(unit, f"Ý kiến có ảnh số {n}")
    manifest = take_backup(tmp_path / "sao-luu", settings)
    database, media_root = target

    result = backup.restore(tmp_path / "sao-luu", database=database, media_root=media_root)

    with opened(database) as restored:
        assert row_counts(restored) == row_counts(connection) == manifest["row_counts"]
    assert checksums(media_root) == checksums(Path(settings.MEDIA_ROOT))
    assert len(checksums(media_root)) == result["files"] == 3
    assert manifest["created_at"].endswith("+07:00")
    assert manifest["engine"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert manifest["migrations"]["petitions"].startswith("0")
    assert manifest["missing_media"] == []
    assert {e["path"] for e in manifest["files"]} == {manifest["database_file"]} | {
        f"media/{path}" for path in checksums(media_root)
    }


class Writer(threading.Thread):
    """Submits opinions with an attachment, one after another, as the public form would, until told to stop."""

    def __init__(self, unit):
        super().__init__(daemon=True)
        self.unit, self.acknowledged, self.error = unit, [], None
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.is_set():
                self.acknowledged.append(submit(self.unit, f"Ý kiến gửi lúc sao lưu {len(self.acknowledged)}").code)
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            connections.close_all()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.acknowledged) < count and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_opinions_are_written_keeps_every_acknowledged_one(
    commune, target, tmp_path, settings, monkeypatch
):
    copy_media, written_during = backup._copy_media, []

    def copy_media_after_more_writes(media_root, dest):
        # Rows committed after the database snapshot while files keep arriving: the window a naive copy gets wrong.
        first = len(writer.acknowledged)
        writer.wait_for(first + 3)
        written_during.append(len(writer.acknowledged) - first)
        return copy_media(media_root, dest)

    monkeypatch.setattr(backup, "_copy_media", copy_media_after_more_writes)
    writer = Writer(commune.unit)
    writer.start()
    try:
        writer.wait_for(15)
        acknowledged_before = list(writer.acknowledged)
        manifest = take_backup(tmp_path / "sao-luu", settings)
    finally:
        writer.stopping.set()
        writer.join(30)
    assert writer.error is None
    assert written_during[0] >= 3

    database, media_root = target
    backup.restore(tmp_path / "sao-luu", database=database, media_root=media_root)

    with opened(database) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT code FROM petitions_petition")
        codes = {code for (code,) in cursor.fetchall()}
        cursor.execute("SELECT file, sha256 FROM petitions_attachment")
        attachments = cursor.fetchall()
    assert set(acknowledged_before) <= codes
    assert len(codes) == manifest["row_counts"]["petitions_petition"] < len(writer.acknowledged)
    stored = checksums(media_root)
    assert len(attachments) == len(codes)
    assert all(stored.get(name) == sha256 for name, sha256 in attachments)


# ------------------------------------------------------------------ the backup folder


@pytest.fixture(scope="module")
def one_backup(django_db_setup, tmp_path_factory) -> Path:
    """A complete backup of the (empty, migrated) test database and one uploaded file, made once."""
    media = tmp_path_factory.mktemp("media")
    (media / "attachments" / "2026" / "12").mkdir(parents=True)
    (media / "attachments" / "2026" / "12" / "anh.png").write_bytes(png().read())
    dest = tmp_path_factory.mktemp("one") / "sao-luu"
    backup.backup(dest, database=connection.settings_dict, media_root=media)
    return dest


@pytest.fixture
def made(one_backup, tmp_path) -> Path:
    """A copy of that backup, for this test to damage."""
    return Path(shutil.copytree(one_backup, tmp_path / "sao-luu"))


@sqlite_only
def test_the_sqlite_copy_stands_alone_and_passes_its_integrity_check(made):
    import sqlite3

    copy = sqlite3.connect(made / "database.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        copy.close()
    assert [p.name for p in sorted(made.iterdir())] == ["database.sqlite3", "manifest.json", "media"]


def test_the_backup_folder_is_readable_by_its_owner_only(one_backup):
    assert one_backup.stat().st_mode & 0o777 == 0o700


def test_a_backup_inside_the_uploaded_files_is_refused(django_db_setup, settings):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True)
    with pytest.raises(backup.BackupError, match="không được nằm trong thư mục tệp tải lên"):
        backup.backup(media / "sao-luu", database=connection.settings_dict, media_root=media)
    assert tree(media) == []


def test_a_backup_into_a_folder_that_holds_files_is_refused_with_nothing_touched(django_db_setup, tmp_path, capsys):
    dest = tmp_path / "cu"
    dest.mkdir()
    (dest / "ghi-chu.txt").write_text("của người khác")
    with pytest.raises(SystemExit) as stopped:
        call_command("backup", str(dest))
    assert stopped.value.code != 0
    assert "đã có dữ liệu" in capsys.readouterr().err
    assert tree(dest) == ["ghi-chu.txt"]


def test_the_command_prints_one_json_line_and_keeps_only_the_newest_backups(
    django_db_setup, tmp_path, settings, capsys
):
    Path(settings.MEDIA_ROOT).mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "tep.pdf").write_bytes(b"%PDF-1.4 ...")
    (tmp_path / "khac").mkdir()  # not a backup: never removed
    for day in ("2026-12-05", "2026-12-06", "2026-12-07"):
        call_command("backup", str(tmp_path / day), "--keep", "2")
        time.sleep(0.01)  # distinct creation times
    lines = capsys.readouterr().out.strip().splitlines()
    last = json.loads(lines[-1])
    assert len(lines) == 3 and last["files"] == 2 and last["rows"] > 0
    assert last["removed"] == [str(tmp_path / "2026-12-05")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-12-06", "2026-12-07", "khac", "media"]


def test_a_failed_backup_leaves_no_manifest_and_no_partial_files(django_db_setup, tmp_path, settings, monkeypatch):
    def disk_full(media_root, dest):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_copy_media", disk_full)
    with pytest.raises(OSError):
        take_backup(tmp_path / "sao-luu", settings)
    assert not (tmp_path / "sao-luu").exists()


# ------------------------------------------------------------------ restore refuses, nothing touched


def refused(src: Path, target, match: str) -> None:
    """The restore is refused with that message, and the target is as empty as before."""
    database, media_root = target
    with pytest.raises(backup.BackupError, match=match):
        backup.restore(src, database=database, media_root=media_root)
    assert tree(media_root.parent) == []
    if ON_POSTGRESQL:
        with pg(database) as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_a_damaged_file_is_named_and_refused(made, target):
    attachment = next((made / "media").rglob("*.png"))
    data = bytearray(attachment.read_bytes())
    data[40] ^= 0xFF
    attachment.write_bytes(bytes(data))
    refused(made, target, rf"{attachment.relative_to(made).as_posix()} sai mã SHA-256")


def test_a_missing_file_is_named_and_refused(made, target):
    attachment = next((made / "media").rglob("*.png"))
    attachment.unlink()
    refused(made, target, f"thiếu tệp {attachment.relative_to(made).as_posix()}")


def test_a_truncated_database_file_is_refused(made, target):
    database_file = next(made.glob("database.*"))
    with database_file.open("r+b") as f:
        f.truncate(database_file.stat().st_size // 2)
    refused(made, target, f"tệp {database_file.name} có .* byte, manifest ghi")


def test_a_truncated_manifest_is_refused(made, target):
    manifest = made / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    refused(made, target, "manifest.json .* bị hỏng")


def test_an_interrupted_backup_without_its_manifest_is_refused(made, target):
    (made / "manifest.json").unlink()
    refused(made, target, "chưa hoàn tất")


def test_a_manifest_pointing_outside_the_backup_is_refused(made, target):
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["files"].append({"path": "media/../../etc/passwd", "size": 1, "sha256": "0" * 64})
    (made / "manifest.json").write_text(json.dumps(manifest))
    refused(made, target, "nằm ngoài bản sao lưu")


def test_a_backup_made_by_a_newer_version_is_refused(made, target):
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["migrations"]["petitions"] = "9999_from_the_future"
    (made / "manifest.json").write_text(json.dumps(manifest))
    refused(made, target, "petitions.9999_from_the_future")


def test_a_backup_of_the_other_engine_is_refused(made, target):
    manifest = json.loads((made / "manifest.json").read_text())
    other = "sqlite" if ON_POSTGRESQL else "postgresql"
    entry = next(e for e in manifest["files"] if e["path"] == manifest["database_file"])
    os.rename(made / manifest["database_file"], made / backup.DATABASE_FILES[other])
    entry["path"] = manifest["database_file"] = backup.DATABASE_FILES[other]
    manifest["engine"] = other
    (made / "manifest.json").write_text(json.dumps(manifest))
    refused(made, target, "khôi phục chéo")


def test_a_non_empty_media_folder_is_refused_and_left_as_it_was(made, target):
    database, media_root = target
    media_root.mkdir(parents=True)
    (media_root / "tep-dang-co.pdf").write_bytes(b"%PDF- data")
    with pytest.raises(backup.BackupError, match="không rỗng"):
        backup.restore(made, database=database, media_root=media_root)
    assert tree(media_root.parent) == ["media", "media/tep-dang-co.pdf"]


@sqlite_only
def test_a_data_folder_with_a_database_is_refused_and_the_database_kept(made, target):
    database, media_root = target
    existing = Path(database["NAME"])
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"SQLite format 3\x00 current data")
    with pytest.raises(backup.BackupError, match="Thư mục dữ liệu .* không rỗng"):
        backup.restore(made, database=database, media_root=media_root)
    assert existing.read_bytes() == b"SQLite format 3\x00 current data"
    assert tree(existing.parent) == ["doithoai.sqlite3"]


@postgresql_only
def test_a_database_that_has_tables_is_refused_and_left_as_it_was(made, target):
    database, media_root = target
    with pg(database) as conn:
        conn.execute("CREATE TABLE dang_dung (id int)")
        conn.execute("INSERT INTO dang_dung VALUES (1)")
    with pytest.raises(backup.BackupError, match="đã có 1 bảng"):
        backup.restore(made, database=database, media_root=media_root)
    with pg(database) as conn:
        assert conn.execute("SELECT count(*) FROM dang_dung").fetchone() == (1,)
    assert not media_root.exists()


def test_the_restore_command_refuses_with_a_vietnamese_message_and_a_failing_exit_code(made, capsys):
    (made / "manifest.json").unlink()
    with pytest.raises(SystemExit) as stopped:
        call_command("restore", str(made))
    assert stopped.value.code == 1
    assert "bản sao lưu chưa hoàn tất" in capsys.readouterr().err


def test_restore_check_verifies_a_backup_without_restoring_it(made, capsys):
    call_command("restore", "--check", str(made))
    checked = json.loads(capsys.readouterr().out)
    assert checked["files"] == 2 and checked["created_at"].endswith("+07:00")


@sqlite_only
def test_the_console_script_restores_into_a_data_folder_it_creates(made, tmp_path):
    data = tmp_path / "du-lieu-moi"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DOITHOAI_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "doithoai.cli", "restore", str(made)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == 1
    assert [p.name for p in sorted(data.iterdir())] == ["doithoai.sqlite3", "media"]
    assert checksums(data / "media") == {e["path"].removeprefix("media/"): e["sha256"] for e in manifest_of(made)[1:]}


def manifest_of(folder: Path) -> list[dict]:
    return json.loads((folder / "manifest.json").read_text())["files"]
