"""Capture the HTML pages the test suite renders, to compare them before and after a refactoring (issue 11).

    DOITHOAI_CAPTURE_HTML=/tmp/pages-before .venv/bin/pytest -q -p no:cacheprovider tests/portal

Only when that variable is set: every response with an HTML body that a test gets through Django's test `Client`
(the `client` fixture, `Client(...)`, `follow=True` hops, htmx partials, 422s and 404s alike) is written, raw, to
`<dir>/<test id, file-safe>/<n>-<METHOD>-<path and query, file-safe>-<status>.html`; METHOD ends with `-hx` for an
htmx request, and n counts the test's requests from 1 (bodiless responses such as redirects count too). Each test's
folder also holds `index.tsv`: `# <test id>`, then one line per response: n, method, path?query, status, content
type, Location, file (empty without a body), the `HX-*` response headers. A test's folder is emptied when it makes
its first request, so a subset can be captured again into the same place. `_source.txt` says which `doithoai` ran.
Nothing is normalised here: `bench/compare_rendered.py` does that.

Without the variable this module only reads it once: no patch, no hook.
"""

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

ENV = "DOITHOAI_CAPTURE_HTML"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_safe(text: str, limit: int = 120) -> str:
    """A name any file system takes: unsafe runs become `_`; too long, it is cut and ends with a short hash."""
    safe = UNSAFE.sub("_", text).strip("_.") or "_"
    if len(safe) > limit:
        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        safe = f"{safe[: limit - 11]}~{digest}"
    return safe


class Capture:
    def __init__(self, root: Path):
        self.root = root
        self.nodeid = ""
        self.count = 0
        self.folder: Path | None = None
        self.original = None
        self.errors: list[str] = []
        self.pages = 0

    # -- pytest hooks -----------------------------------------------------------------------------------------

    def pytest_configure(self, config):
        from django.test import Client

        self.root.mkdir(parents=True, exist_ok=True)
        self.original = Client.request
        capture = self

        def request(client, **environ):
            response = capture.original(client, **environ)
            try:
                capture.record(environ, response)
            except Exception as error:  # the capture never changes a test's outcome: noted, shown at the end
                capture.errors.append(f"{capture.nodeid} {environ.get('PATH_INFO')}: {error!r}")
            return response

        request.__wrapped__ = self.original
        Client.request = request

    def pytest_unconfigure(self, config):
        if self.original is not None:
            from django.test import Client

            Client.request = self.original

    def pytest_sessionfinish(self, session):
        """Which code rendered the pages (a worktree run with the main checkout's venv must import its own)."""
        import doithoai

        source = Path(doithoai.__file__).resolve().parent
        (self.root / "_source.txt").write_text(f"{source}\n{Path.cwd()}\n", encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter):
        source = Path((self.root / "_source.txt").read_text(encoding="utf-8").split("\n")[0])
        terminalreporter.write_line(f"render_capture: {self.pages} HTML pages from {source} written to {self.root}")
        rootdir = terminalreporter.config.rootpath.resolve()
        if not source.is_relative_to(rootdir):
            # `.venv/bin/pytest` in a git worktree imports the main checkout's doithoai (its editable install)
            message = f"render_capture: the pages come from {source}, not from {rootdir}: run `python -m pytest`"
            terminalreporter.write_line(message, red=True, bold=True)
        for error in self.errors:
            terminalreporter.write_line(f"render_capture: not captured: {error}", red=True)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.nodeid, self.count, self.folder = item.nodeid, 0, None
        try:
            return (yield)
        finally:
            self.nodeid, self.folder = "", None

    # -- writing ----------------------------------------------------------------------------------------------

    def test_folder(self) -> Path:
        if self.folder is None:
            self.folder = self.root / file_safe(self.nodeid or "outside-a-test", limit=180)
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            (self.folder / "index.tsv").write_text(f"# {self.nodeid}\n", encoding="utf-8")
        return self.folder

    def record(self, environ: dict, response):
        self.count += 1
        folder = self.test_folder()
        method = environ.get("REQUEST_METHOD", "GET") + ("-hx" if environ.get("HTTP_HX_REQUEST") else "")
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        target = f"{path}?{query}" if query else path
        content_type = response.get("Content-Type", "")
        name = ""
        if "html" in content_type and not getattr(response, "streaming", False) and response.content:
            name = f"{self.count:03d}-{method}-{file_safe(target)}-{response.status_code}.html"
            (folder / name).write_bytes(response.content)
            self.pages += 1
        line = [str(self.count), method, target, str(response.status_code), content_type]
        hx = "; ".join(f"{key}: {value}" for key, value in sorted(response.items()) if key[:3].lower() == "hx-")
        line += [response.get("Location", ""), name, hx]
        with open(folder / "index.tsv", "a", encoding="utf-8") as index:
            index.write("\t".join(field.replace("\t", " ").replace("\n", " ") for field in line) + "\n")


def pytest_configure(config):
    root = os.environ.get(ENV)
    if root and not config.pluginmanager.has_plugin("render_capture_active"):
        config.pluginmanager.register(Capture(Path(root).resolve()), "render_capture_active")
