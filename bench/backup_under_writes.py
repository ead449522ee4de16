"""Measure backups of a live SQLite database: a naive copy (`cp` of the file) against `doithoai backup`, under the
same continuous writes, then the time and size of a backup and a restore for the demo and for ~30,000 opinions.

    .venv/bin/python bench/backup_under_writes.py [--dir /tmp/bak-bench] [--writers 4] [--trials 5] [--opinions 30000]
                                                  [--keep-data]

Everything is written under --dir (deleted first), never in ./data. Writers are separate processes that submit
opinions with an attachment through `submit_petition`, as the public form does, and print each tracking code once
the call returned (the opinion is then acknowledged). An opinion acknowledged before a copy began and absent from
the copy is lost. Prints one JSON document of figures on standard output; progress goes to standard error.
"""

import argparse
import copy
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def setup(data_dir: Path) -> None:
    os.environ["DOITHOAI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doithoai.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ a writer process


def write_forever() -> None:
    """Submit opinions with a 2 KB attachment until killed; print each code once acknowledged."""
    import secrets

    from django.core.files.uploadedfile import SimpleUploadedFile

    from doithoai.accounts.models import Unit
    from doithoai.petitions.actions import submit_petition

    unit = Unit.objects.get(slug="tan-yen")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        image = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2_000))
        petition = submit_petition(unit, content="Ý kiến gửi trong lúc sao lưu", channel="online", attachments=[image])
        print(petition.code, flush=True)


class Writers:
    """Writer processes and the codes they acknowledged, in order."""

    def __init__(self, data_dir: Path, count: int):
        env = dict(os.environ, DOITHOAI_DATA_DIR=str(data_dir))
        self.codes: list[str] = []
        self.processes = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, __file__, "--writer", "--dir", str(data_dir.parent)],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(count)
        ]
        for process in self.processes:
            threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.codes.append(line.strip())

    def wait_for(self, count: int) -> None:
        while len(self.codes) < count:
            if all(process.poll() is not None for process in self.processes):
                raise RuntimeError("every writer stopped; see its error above")
            time.sleep(0.05)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(30)


# ------------------------------------------------------------------ what a copy kept


def inspect(database: Path, acknowledged: list[str]) -> dict:
    """Integrity of a copied database and how many acknowledged opinions it lacks."""
    try:
        connection = sqlite3.connect(database)
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        codes = {code for (code,) in connection.execute("SELECT code FROM petitions_petition")}
        connection.close()
    except sqlite3.DatabaseError as error:
        return {
            "integrity_ok": False,
            "error": str(error),
            "lost": len(acknowledged),
            "acknowledged": len(acknowledged),
        }
    lost = [code for code in acknowledged if code not in codes]
    return {"integrity_ok": integrity == ["ok"], "lost": len(lost), "acknowledged": len(acknowledged)}


def naive_copy(data_dir: Path, scratch: Path, acknowledged: list[str], with_wal: bool) -> dict:
    """`cp data/doithoai.sqlite3` (or `cp -a data/`, -wal and -shm included) while the writers write."""
    target = scratch / "copy"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    # `cp` in its own process, as an operator would: opening the live files in this process and closing them would
    # drop the POSIX locks its own SQLite connections hold on them (https://sqlite.org/howtocorrupt.html §2.2).
    suffixes = ["", "-wal", "-shm"] if with_wal else [""]
    sources = [str(data_dir / f"doithoai.sqlite3{suffix}") for suffix in suffixes]
    subprocess.run(["cp", *sources, str(target)], check=False, stderr=subprocess.DEVNULL)  # noqa: S603, S607
    return inspect(target / "doithoai.sqlite3", acknowledged)


def real_backup(data_dir: Path, scratch: Path, acknowledged: list[str]) -> dict:
    """`doithoai backup` while the writers write, restored into an empty folder, then inspected."""
    from doithoai.operations import backup

    dest, restored = scratch / "backup", scratch / "restored"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.rmtree(restored, ignore_errors=True)
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / "doithoai.sqlite3")}
    manifest = backup.backup(dest, database=database, media_root=data_dir / "media")
    target = dict(database, NAME=str(restored / "doithoai.sqlite3"))
    backup.restore(dest, database=target, media_root=restored / "media")
    result = inspect(restored / "doithoai.sqlite3", acknowledged)
    result["files_checked"] = len(manifest["files"])
    return result


def under_writes(data_dir: Path, scratch: Path, writers: int, trials: int) -> dict:
    """Each trial: let the writers run a second, then take each kind of copy with the codes acknowledged just
    before it began; every trial counts again all opinions acknowledged since the start."""
    team = Writers(data_dir, writers)
    names = ("cp_file", "cp_with_wal", "backup")
    totals = {name: {"integrity_failed": 0, "unreadable": 0, "lost_per_trial": []} for name in names}
    try:
        team.wait_for(20)
        for trial in range(trials):
            for name in names:
                time.sleep(1)  # writes keep going between and during the copies
                acknowledged = list(team.codes)
                if name == "backup":
                    result = real_backup(data_dir, scratch, acknowledged)
                else:
                    result = naive_copy(data_dir, scratch, acknowledged, with_wal=name == "cp_with_wal")
                totals[name]["integrity_failed"] += not result["integrity_ok"]
                totals[name]["unreadable"] += "error" in result
                totals[name]["lost_per_trial"].append(f"{result['lost']}/{result['acknowledged']}")
                log(f"trial {trial + 1} {name}: {result}")
    finally:
        team.stop()
    return {"writers": writers, "trials": trials, "opinions_written": len(team.codes), **totals}


# ------------------------------------------------------------------ time and size


def time_and_size(data_dir: Path, scratch: Path) -> dict:
    from doithoai.operations import backup

    dest, restored = scratch / "timed-backup", scratch / "timed-restored"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.rmtree(restored, ignore_errors=True)
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / "doithoai.sqlite3")}
    started = time.monotonic()
    manifest = backup.backup(dest, database=database, media_root=data_dir / "media")
    backed_up = time.monotonic() - started
    started = time.monotonic()
    backup.restore(
        dest, database=dict(database, NAME=str(restored / "doithoai.sqlite3")), media_root=restored / "media"
    )
    restored_in = time.monotonic() - started
    return {
        "opinions": manifest["row_counts"]["petitions_petition"],
        "media_files": len(manifest["files"]) - 1,
        "database_bytes": manifest["files"][0]["size"],
        "backup_bytes": sum(e["size"] for e in manifest["files"]),
        "backup_seconds": round(backed_up, 2),
        "restore_seconds": round(restored_in, 2),
    }


def grow_to(opinions: int, data_dir: Path) -> None:
    """Clone the demo's opinions with bulk_create (one history entry each; one 50 KB attachment per ten)."""
    import secrets

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db.models.base import ModelState

    from doithoai.petitions.models import Attachment, HistoryEntry, Petition, new_tracking_code

    templates = list(Petition.objects.filter(merged_into=None))
    missing = opinions - Petition.objects.count()
    for start in range(0, missing, 2000):
        batch = []
        for n in range(start, min(missing, start + 2000)):
            clone = copy.copy(templates[n % len(templates)])
            clone.pk, clone.code, clone._state = None, new_tracking_code(), ModelState()
            batch.append(clone)
        created = Petition.objects.bulk_create(batch)
        HistoryEntry.objects.bulk_create(
            HistoryEntry(petition=p, at=p.received_at, action="receive", to_status="received") for p in created
        )
        files = []
        for p in created[::10]:
            name = default_storage.save(
                f"attachments/bench/{secrets.token_hex(16)}.png", ContentFile(secrets.token_bytes(50_000))
            )
            files.append(Attachment(petition=p, file=name, original_name="anh.png", content_type="image/png",
                                    extension=".png", size=50_000, sha256="", uploaded_at=p.received_at))  # fmt: skip
        Attachment.objects.bulk_create(files)
        log(f"{Petition.objects.count()} opinions")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bak-bench")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--opinions", type=int, default=30_000)
    parser.add_argument("--keep-data", action="store_true", help="keep the scratch folder afterwards")
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = args.dir / "data"
    if args.writer:
        setup(data_dir)
        write_forever()
        return 0
    shutil.rmtree(args.dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    setup(data_dir)
    from django.core.management import call_command

    from doithoai.demo.loader import load_demo
    from doithoai.operations import backup

    call_command("migrate", verbosity=0)
    load_demo()
    figures = {"demo": time_and_size(data_dir, args.dir / "demo")}
    log(f"demo: {figures['demo']}")
    # The writes go to a copy of the demo (restored from its backup), written only by the writer processes.
    writes = args.dir / "writes"
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(writes / "data" / "doithoai.sqlite3")}
    backup.restore(args.dir / "demo" / "timed-backup", database=sqlite, media_root=writes / "data" / "media")
    figures["under_writes"] = under_writes(writes / "data", writes, args.writers, args.trials)
    shutil.rmtree(writes)
    grow_to(args.opinions, data_dir)
    figures["large"] = time_and_size(data_dir, args.dir / "large")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if not args.keep_data:
        shutil.rmtree(args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
