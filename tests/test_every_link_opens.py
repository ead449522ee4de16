"""Every link a user is shown opens for that user: each demo account follows the links of its pages, as a new user
would, and meets no 404 (a link to what it may not see), no 403 (an action it may not take) and no 5xx. This is how a
seat-only secretary's "Kế hoạch 2026" (404), an agency's links to the opinions merged into its own (404) and the
administrator's landing page (403) were found."""

import pytest
from django.test import Client

from doithoai.accounts.models import User
from tests.crawl import crawl

pytestmark = pytest.mark.django_db

# The demo's accounts (README), each from where it starts; the public visitor from the public home.
ACCOUNTS = {
    "vanphong": "/can-bo/",
    "bithu": "/can-bo/",
    "phongkinhte": "/can-bo/",
    "vanhoaxahoi": "/can-bo/",
    "mttq": "/can-bo/",
    "hoinongdan": "/can-bo/",
    "trungtam": "/can-bo/",
    "tinh": "/can-bo/",
    "thuky": "/can-bo/",
    "tiepnhan": "/can-bo/",
    "quantri": "/quan-tri/",
}
PAGES_EACH = 600  # every page each role is shown (a list's pages all, its filters 2)
ADMIN_PAGES = 150  # the admin's lists and a sample of its records (each record's page is the same view)


def test_every_link_each_role_is_shown_opens(demo):
    broken = []
    for username, start in ACCOUNTS.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        prefix = "/quan-tri/" if start == "/quan-tri/" else "/"
        limit = ADMIN_PAGES if start == "/quan-tri/" else PAGES_EACH
        pages = crawl(client, start=start, limit=limit, prefix=prefix, queries_per_path=2)
        assert len(pages) > 5, (username, list(pages))  # it did find its pages
        broken += [
            (username, url, status, came_from)
            for url, (status, _html, came_from) in pages.items()
            if status not in (200, 302)
        ]
    public = crawl(Client(), start="/", limit=PAGES_EACH, prefix="/", queries_per_path=2)
    broken += [("-", url, status, came_from) for url, (status, _html, came_from) in public.items() if status != 200]
    assert not broken, "\n".join(
        f"{who}: {url} → {status} (linked from {came_from})" for who, url, status, came_from in broken
    )


def test_the_administrator_who_opens_the_staff_home_lands_in_the_admin(demo):
    client = Client()
    client.force_login(User.objects.get(username="quantri"))
    assert client.get("/can-bo/")["Location"] == "/quan-tri/"
