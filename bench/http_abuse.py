"""Abuse a served Đối thoại as an outsider would, and print what it cost (issue 9, items 2, 5 and 9).

Start a server first, e.g. on a scratch demo:
    DOITHOAI_DEMO=1 DOITHOAI_DATA_DIR=/tmp/abuse DOITHOAI_SMS_BACKEND=outbox doithoai migrate -v0
    DOITHOAI_DEMO=1 DOITHOAI_DATA_DIR=/tmp/abuse doithoai demo --quiet
    DOITHOAI_DEMO=1 DOITHOAI_DATA_DIR=/tmp/abuse doithoai serve --port 8190 --with-worker 2> /tmp/abuse.log
then
    python bench/http_abuse.py http://127.0.0.1:8190 /tmp/abuse /tmp/abuse.log big-body     # 1 GB declared
    python bench/http_abuse.py http://127.0.0.1:8190 /tmp/abuse /tmp/abuse.log uploads      # 10 posts of 5 x 10 MB
    python bench/http_abuse.py http://127.0.0.1:8190 /tmp/abuse /tmp/abuse.log double       # 20 identical posts at once
    python bench/http_abuse.py http://127.0.0.1:8190 /tmp/abuse /tmp/abuse.log logs         # personal data in the log
Standard library only.
"""

import concurrent.futures as cf
import contextlib
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _form(base: str, files_mb: int, token: str | None = None) -> tuple[int, str]:
    """Post the public opinion form like a browser, with 5 files of `files_mb` MB (none when 0)."""
    opener, jar = _opener()
    html = opener.open(base + "/gui-y-kien/").read().decode()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    found = re.search(r'name="form_token" value="([^"]+)"', html)  # forms before issue 9 had none
    token = token or (found.group(1) if found else "")
    boundary = "----doithoai-bench"
    parts = []
    for name, value in (("csrfmiddlewaretoken", csrf), ("kind", "kien_nghi"), ("form_token", token),
                        ("content", "Đề nghị sửa đường thôn Trung bị sụt lún sau mưa lớn.")):  # fmt: skip
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for i in range(5 if files_mb else 0):
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="anh{i}.png"\r\n'
                "Content-Type: image/png\r\n\r\n").encode()  # fmt: skip
        parts.append(head + b"\x89PNG\r\n\x1a\n" + b"\0" * (files_mb * 1024 * 1024 - 1024) + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": base + "/gui-y-kien/"}
    request = urllib.request.Request(base + "/gui-y-kien/", data=b"".join(parts), headers=headers)  # noqa: S310
    try:
        response = opener.open(request)
        return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _folder_mb(path: str) -> float:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs) / 1e6


def big_body(base: str, size: int = 1024**3) -> None:
    """Declare `size` bytes and stream zeros until the server answers: how much was sent, what it answered."""
    url = urllib.parse.urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port))
    sock.sendall(
        (
            f"POST /gui-y-kien/ HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: multipart/form-data; "
            f"boundary=x\r\nContent-Length: {size}\r\n\r\n"
            '--x\r\nContent-Disposition: form-data; name="attachments"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
    )  # fmt: skip  (a file part: what a parser spools)
    sent, answer, started, chunk = 0, b"", time.monotonic(), b"\0" * 65536
    sock.settimeout(0.001)
    try:
        while sent < size and not answer:
            with contextlib.suppress(TimeoutError, BlockingIOError):
                answer = sock.recv(65536)
            sock.settimeout(10)
            sock.sendall(chunk)
            sent += len(chunk)
            sock.settimeout(0.001)
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(10)
    while answer.count(b"\r\n") < 1:
        answer += sock.recv(65536) or b"\r\n"
    status = answer.split(b"\r\n")[0].decode()
    print(f"declared {size / 1e6:.0f} MB; sent {sent / 1e6:.1f} MB in {time.monotonic() - started:.2f} s before the "
          f"answer: {status}")  # fmt: skip


def main() -> None:
    base, data, log, what = sys.argv[1:5]
    if what == "big-body":
        spool = tempfile.gettempdir()  # where Django would spool an uploaded file
        before = _folder_mb(spool)
        big_body(base)
        print(f"{spool} grew by {_folder_mb(spool) - before:.1f} MB")
    elif what == "uploads":
        before = _folder_mb(os.path.join(data, "media"))
        print("answers:", [_form(base, 10)[0] for _ in range(10)])
        print(f"attachments kept by 10 posts of 5 x 10 MB from one address: "
              f"{_folder_mb(os.path.join(data, 'media')) - before:.1f} MB")  # fmt: skip
    elif what == "double":
        opener, _ = _opener()
        found = re.search(r'name="form_token" value="([^"]+)"', opener.open(base + "/gui-y-kien/").read().decode())
        token = found.group(1) if found else "the same post"
        database = os.path.join(data, "doithoai.sqlite3")
        count = lambda: sqlite3.connect(database).execute("select count(*) from petitions_petition").fetchone()[0]  # noqa: E731
        before = count()
        with cf.ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda _: _form(base, 0, token), range(20)))
        print("answers:", sorted({s for s, _ in answers}), "receipts:", len({u.split("?")[0] for _, u in answers}))
        print(f"opinions created by 20 identical posts at once: {count() - before}")
    elif what == "logs":
        contacts = []
        for i in range(50):
            email, phone = f"nguoi.gui{i}@example.vn", f"09123456{i:02d}"
            contacts += [email, phone]
            body = {"content": f"Ý kiến thử số {i}", "name": f"Nguyễn Văn Thử {i}", "email": email, "phone": phone,
                    "kind": "to_cao" if i % 5 == 0 else "kien_nghi"}  # fmt: skip
            request = urllib.request.Request(base + "/api/v1/petitions", data=json.dumps(body).encode(),  # noqa: S310
                                             headers={"Content-Type": "application/json"})  # fmt: skip
            urllib.request.urlopen(request).read()  # noqa: S310
        time.sleep(15)  # the worker delivers (keeps) the receipts
        with open(log, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        found = [c for c in contacts if c in text]
        print(f"submitters' e-mails and phones in the server log: {len(found)} of {len(contacts)} "
              f"({text.count(chr(10))} log lines)")  # fmt: skip


if __name__ == "__main__":
    main()
