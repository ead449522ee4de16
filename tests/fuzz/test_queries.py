"""Hostile values in every query parameter a page reads (search boxes, filters, page numbers, cursors, choices)
and in every part of a URL (ids, codes): the page answers, or refuses with a Vietnamese 4xx; never a 500, and a
GET never writes anything but records of the attempt.
"""

import inspect
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.core import signing
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from hypothesis import given, settings
from hypothesis import strategies as st

from doithoai.portal.dialogues import CONFIRMATION_SALT
from tests.fuzz import hostile
from tests.fuzz.cases import EXCLUDED_PREFIXES
from tests.fuzz.conftest import PROFILE
from tests.fuzz.routes import accepts_post, patterns
from tests.fuzz.world import World

pytestmark = pytest.mark.django_db
# What an int() or a page number trips on: a superscript digit (isdigit() but not int()), more digits than int()
# takes, more than a database integer holds, a sign.
NUMBERS = ("²", "9" * 5000, "99999999999999999999", "-1")


@dataclass(frozen=True)
class QueryCase:
    user: str | None
    url: str  # "{dialogue}" and "{plan}" stand for the world's dialogue and plan; "{code}" a tracking code
    params: tuple[str, ...]  # what the view reads itself; the fields of the page's GET forms are added

    def __str__(self) -> str:
        return self.url


QUERY_CASES = (
    QueryCase(None, "/", ()),
    QueryCase(None, "/gui-y-kien/", ("buoi",)),
    QueryCase(None, "/tra-cuu/", ("ma",)),
    QueryCase(None, "/tra-cuu/{code}/", ("moi", "in", "k")),
    QueryCase(None, "/tra-loi/", ("trang",)),
    QueryCase(None, "/doi-thoai/", ("nam",)),
    QueryCase(None, "/doi-thoai/{dialogue}/dang-ky-phat-bieu/da-gui/?t={speaker_token}", ("t",)),
    QueryCase(None, "/dang-nhap/", ("next",)),
    QueryCase("coordinator", "/can-bo/y-kien/", ("sau", "truoc", "sap_xep")),
    QueryCase("coordinator", "/can-bo/y-kien/nhap/", ("kenh", "buoi")),
    QueryCase("farmers_rep", "/can-bo/to-chuc/y-kien/", ("to-chuc", "dong", "tu", "trang")),
    QueryCase("economy", "/can-bo/co-quan/", ("co-quan", "vai", "trang")),
    QueryCase("coordinator", "/can-bo/ke-hoach/moi/", ("don-vi", "thay-the")),
    QueryCase("coordinator", "/can-bo/ke-hoach/{plan}/nhiem-vu/", ("loc", "trang")),
    QueryCase("coordinator", "/can-bo/tiep-cong-dan/", ("don-vi", "nam")),
    QueryCase("coordinator", "/can-bo/thong-bao/", ("trang",)),
    QueryCase("coordinator", "/can-bo/buoi/{dialogue}/phat-bieu/", ("trang",)),
    QueryCase("coordinator", "/can-bo/buoi/{dialogue}/phieu/", ("trang",)),
    QueryCase("coordinator", "/can-bo/buoi/{dialogue}/phieu/in/?{slips}", ("dot", "loai", "moi-trang")),
    QueryCase("coordinator", "/can-bo/buoi/{business}/doanh-nghiep/", ("trang-moi", "trang-phat-bieu", "trang-y-kien")),
)
# Query parameters read outside the pages above (each with the reason).
NOT_HERE = {"xem": "the import pages: fuzzed with them (tests/fuzz/cases.EXCLUDED_PREFIXES)"}
_READS = re.compile(
    r"""request\.GET(?:\.get\(|\[|\.getlist\()\s*["']([^"']+)["']|["']([^"']+)["']\s+(?:not\s+)?in\s+request\.GET"""
)


class Getter:
    """GETs a page as its user, each request in a transaction rolled back after it, and checks the answer."""

    def __init__(self, client, user):
        self.client, self.user, self.attempts = client, user, hostile.attempt_tables()

    def get(self, url: str, query: list[tuple[str, str]]) -> None:
        base, _, own = url.partition("?")
        names = {name for name, _ in query}
        pairs = [(k, v) for k, v in parse_qsl(own) if k not in names] + list(query)
        encoded = urlencode(
            [(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass")) for k, v in pairs]
        )
        with transaction.atomic():
            if self.user is not None:
                self.client.force_login(self.user)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(f"{base}?{encoded}" if encoded else base)
            assert response.status_code < 500
            hostile.assert_no_english(response)
            if response.status_code >= 400:
                hostile.assert_vietnamese_refusal(response)
            changed = {table for _, table in hostile.writes(queries.captured_queries)} - self.attempts
            assert not changed, f"a GET wrote to {sorted(changed)}"
            transaction.set_rollback(True)


def _url(case: QueryCase, w: World) -> str:
    needs = {
        "dialogue": lambda: w.dialogue.pk,
        "plan": lambda: w.plan.pk,
        "code": lambda: w.published().code,
        "business": lambda: _business_dialogue(w).pk,
        "speaker_token": lambda: signing.dumps(w.speaker().pk, salt=CONFIRMATION_SALT),
        "slips": lambda: _printed_slips(w),
    }
    return case.url.format(**{key: make() for key, make in needs.items() if "{" + key + "}" in case.url})


def _business_dialogue(w: World):
    from tests import factories

    return factories.DialogueFactory(unit=w.unit, plan=w.plan, kind="business", title="Đối thoại với doanh nghiệp")


def _printed_slips(w: World) -> str:
    from doithoai.plans import actions
    from doithoai.plans.speaker_views import _batch_key

    slip = actions.print_slips(w.dialogue, kind="speaker", count=2, by=w.coordinator)[0]
    return urlencode({"dot": _batch_key(slip.printed_at), "loai": "speaker"})


def _get_form_fields(html: str, path: str) -> set[str]:
    return {
        name
        for form in hostile.forms_of(html)
        if form["method"] == "get" and (form["action"] or path).split("?")[0] == path
        for name, _ in form["fields"]
    }


def test_every_query_parameter_a_view_reads_is_fuzzed():
    read = set()
    modules = {inspect.getmodule(view) for _, _, view in patterns(get_resolver().url_patterns)}
    for module in filter(None, modules):
        if module.__name__.startswith("doithoai."):
            read |= {a or b for a, b in _READS.findall(inspect.getsource(module))}
    fuzzed = {param for case in QUERY_CASES for param in case.params}
    assert read - fuzzed - set(NOT_HERE) == set(), "add these query parameters to QUERY_CASES"


@pytest.mark.parametrize("case", QUERY_CASES, ids=str)
def test_hostile_query_values_never_give_a_500(client, world, case):
    url = _url(case, world)
    user = getattr(world, case.user) if case.user else None
    getter = Getter(client, user)
    if user is not None:
        client.force_login(user)
    page = client.get(url)
    assert page.status_code in (200, 302), url
    names = sorted(set(case.params) | _get_form_fields(page.content.decode(), url.split("?")[0])) or ["q"]
    for name in names:
        # The view's own reads get the numbers too; a form's fields are parsed by Django's fields.
        for value in (hostile.COCKTAIL, *(NUMBERS if name in case.params else ())):
            getter.get(url, [(name, value)])
    for value in hostile.EVERY_FIELD:
        getter.get(url, [(name, value) for name in names if len(value) < 100_000 or name == names[0]])

    @settings(settings.get_profile(PROFILE))
    @given(name=st.sampled_from(names), value=hostile.HOSTILE.filter(lambda v: len(v) < 100_000))
    def any_value(name, value):
        getter.get(url, [(name, value)])

    any_value()


@pytest.mark.parametrize("url", ["/can-bo/ke-hoach/moi/", "/can-bo/tiep-cong-dan/"])
def test_a_unit_choice_of_thousands_of_digits_is_a_404_not_a_500(client, world, url):
    client.force_login(world.coordinator)
    assert client.get(f"{url}?don-vi={'9' * 5000}").status_code == 404


# ---------------------------------------------------------------- hostile URLs

IDS = ("0", "99999999999999999999999")
CODES = ("%00", "%E2%81%A0K7QX-M3RW-9HTD-B", "%ED%A0%80", "..%2F..%2Fetc", "x" * 3000, "K7QX-M3RW-9HTD-B%0A")
_INT = re.compile(r"<int:\w+>")
_STR = re.compile(r"<(?:str|slug|path):\w+>|<\w+>")


def _hostile_urls() -> list[tuple[str, str, bool]]:
    """(url, name, accepts POST) for every URL pattern with a part taken from the URL, with hostile values in it."""
    urls = []
    for route, name, view in patterns(get_resolver().url_patterns):
        if any(route.startswith(p) for p in EXCLUDED_PREFIXES if p != "/api/") or "<" not in route:
            continue
        if route.startswith("/^") or "(?P" in route:
            continue
        for number in IDS:
            for code in CODES[:2] if _STR.search(route) else CODES[:1]:
                url = _STR.sub(code, _INT.sub(number, route))
                urls.append((url, name, accepts_post(view)))
    return urls


def test_hostile_ids_and_codes_in_any_url_answer_a_vietnamese_4xx(client, world):
    """Ids too big for any database integer, 0, NUL and invisible characters in codes: a 404 (or 403, a redirect
    to log in), never a 500, for the public, for staff, GET and POST."""
    urls = _hostile_urls()
    assert len(urls) > 50
    for user in (None, world.coordinator):
        getter = Getter(client, user)
        for url, _name, posts in urls:
            getter.get(url, [])
            if posts:
                with transaction.atomic():
                    if user is not None:
                        client.force_login(user)
                    response = hostile.post_form(client, url, [("noi_dung", hostile.COCKTAIL)])
                    assert response.status_code < 500, url
                    if response.status_code >= 400:
                        hostile.assert_vietnamese_refusal(response)
                    transaction.set_rollback(True)


@pytest.mark.parametrize("code", CODES + ("đường-xuống-cấp", "a/b", "%F0%9F%98%80"))
def test_a_hostile_tracking_code_is_the_vietnamese_not_found_page(client, world, code):
    for tail in ("", "qr.svg"):
        response = client.get(f"/tra-cuu/{code}/{tail}")
        assert response.status_code == 404
        hostile.assert_vietnamese_refusal(response)


def test_the_printed_code_of_a_petition_still_finds_it_among_invisible_characters(client, world):
    code = world.received().code
    response = client.get(f"/tra-cuu/?{urlencode({'ma': chr(0x2060) + code.lower() + chr(0x200B)})}")
    assert response.status_code == 302 and response["Location"].endswith(f"/tra-cuu/{code}/")
    assert quote(code) in response["Location"]
