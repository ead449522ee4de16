"""The `doithoai` console script: Django's manage.py, plus `serve`.

    doithoai serve [--host H] [--port P] [--workers N] [--with-worker]
    doithoai demo                      load the demo commune (twice changes nothing)
    doithoai <any manage.py command>   migrate, createsuperuser, check --deploy, …
"""

import argparse
import os
import signal
import subprocess
import sys
import time

SERVE_HELP = """\
doithoai serve: migrate, collect static files, then serve with granian (WSGI) and whitenoise.

  --host HOST       address to listen on (default 127.0.0.1)
  --port PORT       port (default 8000)
  --workers N       granian worker processes (default 1)
  --threads N       blocking threads per worker, each may hold a database connection (default 4)
  --with-worker     also run the background task worker (django-tasks-db) beside the server
  --no-migrate      skip migrations (e.g. when several servers share one database)
"""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doithoai.settings")


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="doithoai serve", add_help=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--with-worker", action="store_true")
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("-h", "--help", action="store_true")
    args = parser.parse_args(argv)
    if args.help:
        sys.stdout.write(SERVE_HELP)
        return 0

    _setup()
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    if not (settings.DEMO or settings.DEBUG or settings.SECRET_KEY_FROM_ENV):
        sys.stderr.write("doithoai serve: đặt biến môi trường SECRET_KEY (hoặc DOITHOAI_DEMO=1 để chạy thử).\n")
        return 2
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    worker = None
    if args.with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "doithoai.cli", "db_worker", "--no-reload"])  # noqa: S603
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", args.host, "--port", str(args.port),
        "--workers", str(args.workers), "--blocking-threads", str(args.threads),
        "--no-ws", "--log-level", "warning",
        "doithoai.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(command)  # noqa: S603
    sys.stderr.write(f"Đối thoại đang chạy tại http://{args.host}:{args.port}/\n")

    stopping: list[float] = []

    def stop(signum, frame):
        stopping.append(time.monotonic())
        for proc in (server, worker):
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        # A server that does not stop within 10 s of being asked to is killed, so `serve` never hangs.
        while (code := server.poll()) is None:
            if stopping and time.monotonic() - stopping[0] > 10:
                server.kill()
            time.sleep(0.5)
    finally:
        if worker and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
    return code


# Commands that write into DOITHOAI_DATA_DIR (the SQLite file, media, static): the folder is made for them.
# Others (help, classify, dedup, check) never create anything.
WRITERS = {"migrate", "demo", "collectstatic", "createsuperuser", "loaddata", "db_worker", "shell"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "serve":
        return serve(argv[1:])
    _setup()
    if argv and argv[0] in WRITERS and "--help" not in argv:
        from django.conf import settings

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["doithoai", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
