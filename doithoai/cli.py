"""The `doithoai` console script: Django's manage.py, plus `serve`.

doithoai serve [--host H] [--port P] [--workers N] [--with-worker]   (the worker restarted if it dies)
doithoai serve --host H --port P --print-base-url   the address links and QR codes will use
doithoai demo                      load the demo commune (twice changes nothing)
doithoai <any manage.py command>   migrate, createsuperuser, check --deploy, …
"""

import argparse
import logging
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
  --with-worker     also run the background task worker (django-tasks-db) beside the server, restarted whenever
                    it dies, and the periodic clean-up (`doithoai sweep`) every minute
  --sweep-every S   seconds between two clean-ups with --with-worker (default 60; 0: never)
  --no-migrate      skip migrations (e.g. when several servers share one database)
  --print-base-url  print the address every link, QR code and message will use, and stop

Links: DOITHOAI_BASE_URL is required in production. In the demo (DOITHOAI_DEMO=1) or development (DEBUG=1) without
it, it is derived from --host and --port (0.0.0.0 or ::: this machine's address on the network, so that phones reach
it) and passed on to the server, the worker and the clean-ups.
"""

RESTART_AFTER = (1, 2, 5, 10, 30)  # seconds before restarting a worker that died, growing while it keeps dying
HEALTHY_AFTER = 60  # a worker that ran this long before dying starts the back-off over
FIRST_SWEEP = 5  # seconds after start: what a previous crash left is picked up at once
SWEEP_LIMIT = 300  # a clean-up still running after this long is killed
STOP_GRACE = 10  # seconds a child has to stop when asked before it is killed

logger = logging.getLogger("doithoai.cli")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doithoai.settings")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """On Linux, the child is sent SIGTERM when `serve` dies, even by `kill -9`: no worker outlives its server."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _spawn(command: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command, preexec_fn=_die_with_parent, **kwargs)  # noqa: S603


def _ask_to_stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)


def _stop(proc: subprocess.Popen | None) -> None:
    """Ask a child to stop, and kill it if it has not within STOP_GRACE seconds."""
    _ask_to_stop(proc)
    if proc is not None:
        try:
            proc.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Supervised:
    """The background worker, kept running: when it dies (a crash, `kill -9`, out of memory) it is started again
    after a short back-off that grows while it keeps dying. The log names the process id and exit code only."""

    def __init__(self, command: list[str]):
        self.command = command
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.failures = 0
        self.restart_at: float | None = None

    def start(self, now: float) -> None:
        self.proc, self.started, self.restart_at = _spawn(self.command), now, None

    def check(self, now: float) -> None:
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start(now)
                logger.warning("Đã khởi động lại tiến trình nền (pid %s).", self.proc.pid)
            return
        code = self.proc.poll()
        if code is None:
            return
        if now - self.started >= HEALTHY_AFTER:
            self.failures = 0
        delay = RESTART_AFTER[min(self.failures, len(RESTART_AFTER) - 1)]
        self.failures += 1
        self.restart_at = now + delay
        logger.warning("Tiến trình nền (pid %s) đã dừng, mã %s; khởi động lại sau %s giây.", self.proc.pid, code, delay)


class Sweeper:
    """`doithoai sweep` every `every` seconds, each in a process of its own: a clean-up that crashes or hangs
    never takes the server down (one that runs past SWEEP_LIMIT is killed; two never overlap)."""

    def __init__(self, every: float, now: float, command: list[str] | None = None):
        self.every = every
        self.command = command or [sys.executable, "-m", "doithoai.cli", "sweep"]
        self.next_at = now + min(FIRST_SWEEP, every)
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def check(self, now: float) -> None:
        if self.proc is not None:
            code = self.proc.poll()
            if code is None and now - self.started > SWEEP_LIMIT:
                self.proc.kill()
                logger.warning("Dọn dẹp định kỳ chạy quá %s giây, đã dừng.", SWEEP_LIMIT)
            elif code is not None:
                if code:
                    logger.warning("Dọn dẹp định kỳ kết thúc với mã %s.", code)
                self.proc = None
            return
        if now >= self.next_at:
            # Its result line is not the server's output: standard output carries only results.
            self.proc, self.started = _spawn(self.command, stdout=subprocess.DEVNULL), now
            self.next_at = now + self.every


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="doithoai serve", add_help=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--with-worker", action="store_true")
    parser.add_argument("--sweep-every", type=float, default=60.0)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--print-base-url", action="store_true")
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
    base, refusal = links_base(args.host, args.port)
    if refusal:
        sys.stderr.write(f"doithoai serve: {refusal}\n")
        return 2
    # This process and every child (granian, the worker, the clean-ups) build their links on it.
    os.environ["DOITHOAI_BASE_URL"] = settings.BASE_URL = base
    if args.print_base_url:
        sys.stdout.write(base + "\n")
        return 0
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    now = time.monotonic()
    worker = sweeper = None
    if args.with_worker:
        worker = Supervised([sys.executable, "-m", "doithoai.cli", "db_worker", "--no-reload"])
        worker.start(now)
        sweeper = Sweeper(args.sweep_every, now) if args.sweep_every > 0 else None
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        str(args.threads),
        "--no-ws",
        "--log-level",
        "warning",
        "doithoai.wsgi:application",
    ]
    server = _spawn(command)
    sys.stderr.write(f"Đối thoại đang chạy tại {base}/ (lắng nghe trên {args.host}, cổng {args.port})\n")
    if args.host in ("127.0.0.1", "localhost", "::1") and settings.DEMO:
        sys.stderr.write("Để điện thoại trong cùng mạng quét mã QR: chạy với HOST=0.0.0.0 (make run HOST=0.0.0.0).\n")
    return _supervise(server, worker, sweeper)


def links_base(host: str, port: int) -> tuple[str, str]:
    """(the base of every link, why serve must refuse to start): DOITHOAI_BASE_URL when set (and well formed);
    otherwise derived from the serving address in the demo and development; required in production."""
    from django.conf import settings

    from doithoai.lib import urls

    configured = os.environ.get("DOITHOAI_BASE_URL", "").strip()
    if configured:
        problem = urls.base_url_problem(configured)
        return configured.rstrip("/"), problem and f"DOITHOAI_BASE_URL={configured} {problem}"
    if settings.DEMO or settings.DEBUG:
        return urls.serving_base_url(host, port), ""
    return "", (
        "đặt biến môi trường DOITHOAI_BASE_URL là địa chỉ người dân truy cập, ví dụ "
        "https://doithoai.tanyen.bacninh.gov.vn: mọi đường dẫn trong biên nhận, mã QR, phiếu in, thông báo, thư và "
        "tin nhắn dùng địa chỉ này (hoặc DOITHOAI_DEMO=1 để chạy thử)."
    )


def _supervise(server: subprocess.Popen, worker: Supervised | None, sweeper: Sweeper | None) -> int:
    """Wait for the server, keeping the worker and the clean-ups going; on SIGTERM or Ctrl+C stop them all."""
    stopping: list[float] = []

    def stop(signum, frame):
        stopping.append(time.monotonic())
        for proc in (server, worker and worker.proc, sweeper and sweeper.proc):
            _ask_to_stop(proc)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while (code := server.poll()) is None:
            now = time.monotonic()
            if stopping:
                # A server that does not stop within STOP_GRACE seconds of being asked to is killed: no hang.
                if now - stopping[0] > STOP_GRACE:
                    server.kill()
            else:
                for child in (worker, sweeper):
                    if child is not None:
                        child.check(now)
            time.sleep(0.25)
    finally:
        # When the server stops, for whatever reason, the worker and a running clean-up stop with it.
        _stop(worker and worker.proc)
        _stop(sweeper and sweeper.proc)
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
