"""Following the links a user is shown, as a new user would: every page reachable by links (GET only) from a start,
within a prefix, up to a limit. Used to check what each role may read (test_confidentiality) and that every link it
is shown opens (test_every_link_opens)."""

import re
from html.parser import HTMLParser

from django.test import Client

# Files and downloads are not pages to follow.
NOT_PAGES = re.compile(r"\.(xlsx|xls|csv|pdf|docx|ics|svg|atom|png)$|/tep/|/van-ban/|/mau\.xlsx")


class _Links(HTMLParser):
    def __init__(self, prefix: str):
        super().__init__()
        self.prefix, self.found = prefix, []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith(self.prefix) and "dang-xuat" not in href:
            self.found.append(href.split("#")[0].replace("&amp;", "&"))


def crawl(
    client: Client, start: str = "/can-bo/", limit: int = 120, prefix: str = "/can-bo/", queries_per_path: int = 0
) -> dict[str, tuple]:
    """{url: (status, html, the page that linked to it)} for every page reached; no page may fail with a 5xx. With
    `queries_per_path`, each path is opened with at most that many filtered views (?trang=N, the pages of a list, are
    all followed): a crawl that wants every page, not every filter of every list."""
    seen: dict[str, tuple] = {}
    queries: dict[str, int] = {}
    queue = [(start, None)]
    while queue and len(seen) < limit:
        url, came_from = queue.pop(0)
        if url in seen or NOT_PAGES.search(url):
            continue
        path, _, query = url.partition("?")
        if queries_per_path and query and not re.fullmatch(r"trang=\d+", query):  # every page of a list, though
            if queries.get(path, 0) >= queries_per_path:
                continue
            queries[path] = queries.get(path, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, url
        html = response.content.decode() if response.status_code == 200 else ""
        seen[url] = (response.status_code, html, came_from)
        parser = _Links(prefix)
        parser.feed(html)
        queue += [(u, url) for u in parser.found if u not in seen]
    return seen
