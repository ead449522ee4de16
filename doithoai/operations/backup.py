"""Backups that restore (`doithoai backup DEST`, `doithoai restore SRC`): a consistent copy of the database and of the
uploaded files, with a manifest of checksums written last.

A backup folder holds `database.sqlite3` (SQLite, through its online backup API) or `database.dump` (PostgreSQL,
`pg_dump --format=custom`), `media/…` (every uploaded file) and `manifest.json`. The manifest is written last and
atomically: a folder without one is an interrupted backup, and `restore` refuses it.

Order: the database first, then the files. An uploaded file is written to disk when its row commits (or just after);
copying the files after the database snapshot therefore finds the file of every row in the snapshot. Files written
after the snapshot come along too and are harmless (no row points at them). Copying the files first would lose the
files of rows committed between the two copies.

Nothing here reads settings to decide where to write: the callers pass the database settings and folders, so the
tests restore into a scratch folder or database while Django's own connection stays where it is.
"""

import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT = "doithoai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
# A file that changes while it is copied (still being written) is copied again, this many times at most.
COPY_ATTEMPTS = 5
# libpq connection keywords Django may carry in OPTIONS (dj-database-url puts ?sslmode=… there).
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service", "connect_timeout", "options"}

Query = Callable[[str], list[tuple]]


class BackupError(Exception):
    """A backup or restore refused or failed; the message is in Vietnamese, for the person running the command."""


@dataclass
class Snapshot:
    """What the database held at the instant of the copy: rows per table, migrations, files its rows point at."""

    row_counts: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, str] = field(default_factory=dict)
    referenced_files: set[str] = field(default_factory=set)


# ------------------------------------------------------------------ back up


def backup(dest: Path, *, database: dict[str, Any], media_root: Path) -> dict[str, Any]:
    """Sao lưu: copy the database and the uploaded files into `dest` (a new or empty folder); return the manifest."""
    engine = engine_of(database)
    dest = Path(dest)
    _refuse_inside(dest, Path(media_root), Path(database["NAME"]).parent if engine == "sqlite" else None)
    created = _prepare_dest(dest)
    started, clock = timezone.localtime(), time.monotonic()
    try:
        database_file = dest / DATABASE_FILES[engine]
        if engine == "sqlite":
            snapshot = _backup_sqlite(Path(database["NAME"]), database_file)
        else:
            snapshot = _backup_postgresql(database, database_file)
        # Only now the files: every row of the snapshot had its file written before (see the module's docstring).
        media = _copy_media(media_root, dest / MEDIA)
        missing = sorted(snapshot.referenced_files - {f["path"].removeprefix(MEDIA + "/") for f in media})
        if missing:
            logger.warning("Backup: %d file(s) referenced by the database are not in the media folder", len(missing))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "product_version": product_version(),
            "created_at": started.isoformat(),
            "seconds": round(time.monotonic() - clock, 3),
            "engine": engine,
            "database_file": database_file.name,
            "migrations": snapshot.migrations,
            "row_counts": snapshot.row_counts,
            "missing_media": missing,
            "files": [_entry(database_file, dest), *media],
        }
        _write_manifest(dest, manifest)
    except BaseException:
        _remove_partial(dest, created)
        raise
    return manifest


def _refuse_inside(dest: Path, media_root: Path, data_dir: Path | None) -> None:
    """A backup inside the uploaded files would copy itself; one inside the data folder dies with its disk."""
    if dest.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"Thư mục sao lưu không được nằm trong thư mục tệp tải lên “{media_root}”.")
    if data_dir is not None and dest.resolve().is_relative_to(data_dir.resolve()):
        logger.warning("Backup: %s is inside the data folder; keep backups on another disk or machine", dest)


def _prepare_dest(dest: Path) -> bool:
    """Create the backup folder, readable by its owner only (it holds personal data, denouncers' identities
    included); refuse one that already holds something. True when this call created it."""
    if dest.exists() and not dest.is_dir():
        raise BackupError(f"“{dest}” đã có và không phải là thư mục: hãy chọn một thư mục mới để sao lưu.")
    if dest.is_dir() and any(dest.iterdir()):
        raise BackupError(
            f"Thư mục “{dest}” đã có dữ liệu: hãy chọn một thư mục mới hoặc rỗng, "
            "ví dụ theo ngày: /var/backups/doithoai/$(date +%F)."
        )
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o700)
    return created


def _remove_partial(dest: Path, created: bool) -> None:
    """After a failure, remove what this backup wrote (the folder was new or empty, so all of it is ours)."""
    if created:
        shutil.rmtree(dest, ignore_errors=True)
        return
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _backup_sqlite(source: Path, target: Path) -> Snapshot:
    """Copy a live SQLite database through the online backup API, then check the copy."""
    if not source.is_file():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu SQLite “{source}”.")
    # mode=rw: never create an empty database where the real one is missing.
    live = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1) is one read transaction: a consistent snapshot. In WAL mode (the settings') a reader
        # never blocks the writers. A backup in several steps would restart whenever another connection writes
        # between two steps, and under continuous writes might never end.
        live.backup(copy, pages=-1)
        # The copy stands alone: no -wal/-shm files beside it in the backup folder.
        copy.execute("PRAGMA journal_mode=DELETE")
        _require_integrity(copy, target.name)
        snapshot = _snapshot(_sqlite_query(copy), _sqlite_tables(copy))
    finally:
        copy.close()
        live.close()
    return snapshot


def _backup_postgresql(database: dict[str, Any], target: Path) -> Snapshot:
    """`pg_dump --format=custom` of the snapshot in which the rows were counted (an exported snapshot)."""
    import psycopg

    try:
        connection = psycopg.connect(**_pg_params(database), autocommit=True)
    except psycopg.Error as error:
        raise BackupError(f"Không kết nối được cơ sở dữ liệu PostgreSQL “{database['NAME']}”: {error}") from error
    with connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot_id = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        snapshot = _snapshot(_pg_query(connection), _pg_tables(connection))
        # pg_dump reads the very snapshot above (held open by this transaction), so its rows match the counts.
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"], database, "pg_dump")
        connection.execute("COMMIT")
    return snapshot


def _copy_media(media_root: Path, target: Path) -> list[dict[str, Any]]:
    """Copy every regular file under MEDIA_ROOT, hashing what was written; return their manifest entries."""
    entries = []
    for source in _walk(Path(media_root)):
        relative = source.relative_to(media_root).as_posix()
        destination = target / relative
        try:
            size, digest = _copy_settled(source, destination)
        except FileNotFoundError:
            continue  # deleted while we walked (an expired import): no row of the snapshot needs it
        entries.append({"path": f"{MEDIA}/{relative}", "size": size, "sha256": digest})
    return entries


def _walk(root: Path) -> Iterator[Path]:
    """Regular files under root in a stable order; symbolic links and special files are left out."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            try:
                mode = path.lstat().st_mode
            except FileNotFoundError:
                continue
            if stat.S_ISREG(mode):
                yield path
            else:
                logger.warning("Backup: skipped %s (not a regular file)", path)


def _copy_settled(source: Path, destination: Path) -> tuple[int, str]:
    """Copy a file that may still be being written: again while its size or time changed during the copy."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(COPY_ATTEMPTS):
        before = source.stat()
        size, digest = _copy_and_hash(source, destination)
        after = source.stat()
        settled = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        if settled and size == after.st_size:
            os.utime(destination, ns=(after.st_atime_ns, after.st_mtime_ns))
            return size, digest
        time.sleep(0.05)
    logger.warning("Backup: %s kept changing while copied; the last copy is kept", source)
    return size, digest


def _copy_and_hash(source: Path, destination: Path) -> tuple[int, str]:
    """Copy bytes and hash exactly those bytes: the manifest describes what was written, not what was read before."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, destination.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            writer.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _entry(path: Path, root: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": sha256_of(path)}


def _write_manifest(dest: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest last and atomically: everything else on disk first, then a temporary file, rename."""
    # One sync for all the copied files: an fsync per file made a backup of 27,000 files take 90 s instead of 13 s.
    os.sync()
    temporary = dest / f".{MANIFEST}.tmp"
    with temporary.open("w", encoding="utf-8") as out:
        json.dump(manifest, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, dest / MANIFEST)
    _fsync_folder(dest)


def prune(parent: Path, keep: int) -> list[Path]:
    """Keep the `keep` newest complete backups in `parent`, delete older complete ones; anything else is left alone."""
    found = []
    for child in Path(parent).iterdir():
        manifest = _read_manifest_quietly(child)
        if manifest is not None:
            found.append((dt.datetime.fromisoformat(manifest["created_at"]), child))
    found.sort(reverse=True)
    removed = [folder for _created, folder in found[max(keep, 1) :]]
    for folder in removed:
        shutil.rmtree(folder)
        logger.info("Backup: removed the old backup %s", folder)
    return removed


def _read_manifest_quietly(folder: Path) -> dict[str, Any] | None:
    if folder.is_symlink() or not (folder / MANIFEST).is_file():
        return None
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        dt.datetime.fromisoformat(manifest["created_at"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


# ------------------------------------------------------------------ check a backup


def check_backup(src: Path) -> dict[str, Any]:
    """Read the manifest and check every file it lists (present, size, SHA-256); return the manifest."""
    src = Path(src)
    if not src.is_dir():
        raise BackupError(f"Không tìm thấy thư mục sao lưu “{src}”.")
    manifest = _load_manifest(src)
    problems = []
    for entry in manifest["files"]:
        path = src / entry["path"]
        if not path.is_file():
            problems.append(f"thiếu tệp {entry['path']}")
        elif path.stat().st_size != entry["size"]:
            problems.append(f"tệp {entry['path']} có {path.stat().st_size} byte, manifest ghi {entry['size']} byte")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"tệp {entry['path']} sai mã SHA-256 (bị hỏng hoặc bị sửa)")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; và {len(problems) - 10} lỗi khác" if len(problems) > 10 else "")
        raise BackupError(f"Bản sao lưu “{src}” bị hỏng, không khôi phục: {shown}.")
    return manifest


def _load_manifest(src: Path) -> dict[str, Any]:
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"“{src}” không có {MANIFEST}: bản sao lưu chưa hoàn tất (bị ngắt giữa chừng) "
            "hoặc không phải bản sao lưu của Đối thoại."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{MANIFEST} của “{src}” bị hỏng (không đọc được): {error}.") from error
    problem = _manifest_problem(manifest)
    if problem:
        raise BackupError(f"{MANIFEST} của “{src}” không hợp lệ: {problem}.")
    return manifest


def _manifest_problem(manifest: Any) -> str:
    """What is wrong with a manifest's shape, or an empty string; paths may only point inside the backup."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return "không phải manifest của bản sao lưu Đối thoại"
    if manifest.get("format_version") != FORMAT_VERSION:
        return f"phiên bản định dạng {manifest.get('format_version')!r} không được hỗ trợ (cần {FORMAT_VERSION})"
    engine = manifest.get("engine")
    if engine not in DATABASE_FILES or manifest.get("database_file") != DATABASE_FILES[engine]:
        return "không rõ loại cơ sở dữ liệu"
    files, counts = manifest.get("files"), manifest.get("row_counts")
    if not isinstance(files, list) or not isinstance(counts, dict) or not isinstance(manifest.get("migrations"), dict):
        return "thiếu danh sách tệp, số dòng hoặc migration"
    for entry in files:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            return "một mục trong danh sách tệp thiếu đường dẫn, dung lượng hoặc mã SHA-256"
        path = PurePosixPath(entry["path"])
        inside = not path.is_absolute() and ".." not in path.parts and "\\" not in entry["path"]
        if not inside or (entry["path"] != manifest["database_file"] and path.parts[0] != MEDIA):
            return f"đường dẫn “{entry['path']}” nằm ngoài bản sao lưu"
    if [e["path"] for e in files].count(manifest["database_file"]) != 1:
        return "không có tệp cơ sở dữ liệu"
    return ""


# ------------------------------------------------------------------ restore


def restore(src: Path, *, database: dict[str, Any], media_root: Path) -> dict[str, Any]:
    """Khôi phục: restore a checked backup into an empty data folder or database, then verify it."""
    src, media_root = Path(src), Path(media_root)
    manifest = check_backup(src)
    engine = engine_of(database)
    if manifest["engine"] != engine:
        raise BackupError(
            f"Bản sao lưu này là của {ENGINE_NAMES[manifest['engine']]}, còn máy này đang dùng {ENGINE_NAMES[engine]}"
            " (biến DATABASE_URL): khôi phục chéo giữa hai loại cơ sở dữ liệu không được hỗ trợ."
        )
    _require_known_migrations(manifest)
    _require_empty_target(engine, database, media_root)
    clock = time.monotonic()
    staging = (Path(database["NAME"]).parent if engine == "sqlite" else media_root.parent) / (
        f".doithoai-restore-{secrets.token_hex(4)}"
    )
    staging.mkdir(parents=True)
    try:
        media = _restore_media(src, manifest, staging / MEDIA)
        if engine == "sqlite":
            restored = _restore_sqlite(src / manifest["database_file"], staging, manifest)
        else:
            _restore_postgresql(src / manifest["database_file"], database, manifest)
        _move_into_place(staging / MEDIA, media_root)
        if engine == "sqlite":
            os.replace(restored, database["NAME"])
        os.sync()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {
        "restored": str(src),
        "engine": engine,
        "created_at": manifest["created_at"],
        "tables": len(manifest["row_counts"]),
        "rows": sum(manifest["row_counts"].values()),
        "files": media,
        "seconds": round(time.monotonic() - clock, 3),
    }


def _require_empty_target(engine: str, database: dict[str, Any], media_root: Path) -> None:
    if engine == "sqlite":
        _require_empty_folder(Path(database["NAME"]).parent, "Thư mục dữ liệu")
    else:
        _require_empty_database(database)
    _require_empty_folder(media_root, "Thư mục tệp tải lên")


def _require_known_migrations(manifest: dict[str, Any]) -> None:
    """A backup made by a newer version (migrations this code does not have) cannot be run by this code."""
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    apps = {app for app, _name in known}
    # An app this version no longer has (its tables stay, unused) is no obstacle; a newer migration of an app it has is.
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest["migrations"].items() if app in apps and (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"Bản sao lưu do phiên bản {manifest.get('product_version', '?')} tạo, mới hơn phiên bản đang cài "
            f"({product_version()}): thiếu migration {', '.join(unknown)}. Hãy cài phiên bản mới rồi khôi phục."
        )


def _require_empty_folder(folder: Path, label: str) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{label} “{folder}” không phải là thư mục.")
    entries = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if entries:
        shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
        raise BackupError(
            f"{label} “{folder}” không rỗng (có: {shown}). Chỉ khôi phục vào thư mục rỗng, để không ghi đè "
            "dữ liệu đang có; không có gì bị thay đổi."
        )


def _require_empty_database(database: dict[str, Any]) -> None:
    import psycopg

    try:
        with psycopg.connect(**_pg_params(database), autocommit=True) as connection:
            (tables,) = connection.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
            ).fetchone()
    except psycopg.Error as error:
        raise BackupError(
            f"Không kết nối được cơ sở dữ liệu PostgreSQL “{database['NAME']}” (hãy tạo một cơ sở dữ liệu rỗng "
            f"trước, ví dụ createdb): {error}"
        ) from error
    if tables:
        raise BackupError(
            f"Cơ sở dữ liệu “{database['NAME']}” đã có {tables} bảng: chỉ khôi phục vào một cơ sở dữ liệu rỗng; "
            "không có gì bị thay đổi."
        )


def _restore_media(src: Path, manifest: dict[str, Any], target: Path) -> int:
    """Copy the listed files into the staging folder; the bytes written must hash to the manifest's checksum."""
    target.mkdir(parents=True)
    count = 0
    for entry in manifest["files"]:
        if entry["path"] == manifest["database_file"]:
            continue
        destination = target / PurePosixPath(entry["path"]).relative_to(MEDIA)
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = src / entry["path"]
        size, digest = _copy_and_hash(source, destination)
        shutil.copystat(source, destination)
        if (size, digest) != (entry["size"], entry["sha256"]):
            raise BackupError(f"Tệp {entry['path']} đã thay đổi trong lúc khôi phục (sai mã SHA-256).")
        count += 1
    return count


def _restore_sqlite(source: Path, staging: Path, manifest: dict[str, Any]) -> Path:
    """Copy the database file into the staging folder, then check its integrity and its rows."""
    target = staging / "doithoai.sqlite3"
    _size, digest = _copy_and_hash(source, target)
    if digest != _entry_of(manifest, manifest["database_file"])["sha256"]:
        raise BackupError("Tệp cơ sở dữ liệu đã thay đổi trong lúc khôi phục (sai mã SHA-256).")
    connection = sqlite3.connect(target)
    try:
        _require_integrity(connection, target.name)
        _require_counts(_count_rows(_sqlite_query(connection), _sqlite_tables(connection)), manifest)
    finally:
        connection.close()
    return target


def _restore_postgresql(source: Path, database: dict[str, Any], manifest: dict[str, Any]) -> None:
    """`pg_restore` in one transaction (a failure leaves the database empty), then compare the rows."""
    import psycopg

    # --no-comments: a COMMENT ON EXTENSION needs the extension's owner, and comments hold no data.
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database['NAME']}",
            str(source),
        ],
        database,
        "pg_restore",
    )
    with psycopg.connect(**_pg_params(database), autocommit=True) as connection:
        try:
            _require_counts(_count_rows(_pg_query(connection), _pg_tables(connection)), manifest)
        except BackupError as error:
            raise BackupError(
                f"{error} Dữ liệu đã được nạp vào “{database['NAME']}”: hãy xóa và tạo lại cơ sở dữ liệu rỗng "
                "trước khi thử lại."
            ) from error


def _move_into_place(staged: Path, final: Path) -> None:
    if final.is_dir():
        final.rmdir()  # checked empty before anything was written
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(staged, final)


def _require_counts(counts: dict[str, int], manifest: dict[str, Any]) -> None:
    expected = manifest["row_counts"]
    wrong = [f"{t}: {counts.get(t, 'không có')} thay vì {n}" for t, n in expected.items() if counts.get(t) != n]
    wrong += [f"{t}: bảng không có trong bản sao lưu" for t in counts if t not in expected]
    if wrong:
        raise BackupError(f"Số dòng sau khi khôi phục không khớp manifest: {'; '.join(wrong[:10])}.")


def _entry_of(manifest: dict[str, Any], path: str) -> dict[str, Any]:
    return next(e for e in manifest["files"] if e["path"] == path)


# ------------------------------------------------------------------ database helpers


def engine_of(database: dict[str, Any]) -> str:
    engine = database.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại “{engine}”.")


def _require_integrity(connection: sqlite3.Connection, name: str) -> None:
    result = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise BackupError(f"Kiểm tra toàn vẹn (integrity_check) của {name} không đạt: {'; '.join(result[:5])}.")


def _sqlite_query(connection: sqlite3.Connection) -> Query:
    return lambda sql: connection.execute(sql).fetchall()


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return sorted(name for (name,) in rows)


def _pg_query(connection) -> Query:
    return lambda sql: connection.execute(sql).fetchall()


def _pg_tables(connection) -> list[str]:
    rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
    return sorted(name for (name,) in rows)


def _count_rows(query: Query, tables: list[str]) -> dict[str, int]:
    return {table: query(f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}  # noqa: S608 (catalogue names)


def _snapshot(query: Query, tables: list[str]) -> Snapshot:
    """Rows per table, the latest applied migration of each app, and the files rows point at, in one snapshot."""
    snapshot = Snapshot(row_counts=_count_rows(query, tables))
    if "django_migrations" in tables:
        rows = query("SELECT app, name FROM django_migrations ORDER BY id")
        snapshot.migrations = {app: name for app, name in rows}  # the last applied wins
    for table, column in _file_columns():
        if table in tables:
            rows = query(f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\'')  # noqa: S608
            snapshot.referenced_files.update(name for (name,) in rows if name)
    return snapshot


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of the installed models."""
    from django.apps import apps
    from django.db import models

    return [
        (model._meta.db_table, f.column)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


def _pg_params(database: dict[str, Any]) -> dict[str, Any]:
    """libpq keywords for psycopg from Django's database settings."""
    params = {
        "dbname": database.get("NAME"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    params.update({k: v for k, v in (database.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS})
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """The child's environment for pg_dump/pg_restore: the password travels here, never on the command line."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, env = DatabaseClient.settings_to_cmd_args_env({"OPTIONS": {}, **database}, [])
    env = {**os.environ, **(env or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if database.get(key):
            env[variable] = str(database[key])
    if (database.get("OPTIONS") or {}).get("connect_timeout"):
        env["PGCONNECT_TIMEOUT"] = str(database["OPTIONS"]["connect_timeout"])
    return env


def _run(command: list[str], database: dict[str, Any], name: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"Không tìm thấy chương trình {name}: hãy cài gói postgresql-client cùng phiên bản máy chủ.")
    done = subprocess.run(command, env=_pg_env(database), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{name} không thành công (mã {done.returncode}): {done.stderr.strip()[-2000:]}")
    if done.stderr.strip():
        logger.warning("%s: %s", name, done.stderr.strip()[-2000:])


# ------------------------------------------------------------------ files


def sha256_of(path: Path) -> str:
    with Path(path).open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def product_version() -> str:
    try:
        return metadata.version("doithoai")
    except metadata.PackageNotFoundError:
        return "unknown"
