"""Every form that posts, public and staff, with hostile text in each of its fields (surrogates, NUL, every
Unicode category, huge and empty values, decomposed letters, bidi and invisible characters): the answer is 2xx/3xx
with only clean text stored, or a 4xx in Vietnamese that changed nothing; never a 500.

Each form is read from the page that shows it and filled as its user would (the filled form must be accepted).
Then each field in turn gets hostile.COCKTAIL (and each field that takes any text, hostile.LONG) with the others
valid; all fields at once get each of hostile.EVERY_FIELD; a field of the client's own naming is added; and
Hypothesis puts hostile.HOSTILE values in fields of its choosing. Every post runs in a transaction rolled back after
it, so each starts from the same data.
"""

from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import hostile
from tests.fuzz.cases import CASES, EXCLUDED, EXCLUDED_PREFIXES
from tests.fuzz.conftest import PROFILE
from tests.fuzz.routes import accepts_post, patterns

pytestmark = pytest.mark.django_db
# Records kept by the actions that must survive any later successful post.
KEPT = ("petitions.petition", "petitions.historyentry", "petitions.answer", "petitions.attachment", "plans.dialogue")


# ---------------------------------------------------------------- every posting URL is fuzzed or excluded


def test_every_url_that_accepts_a_post_is_fuzzed_or_excluded_with_a_reason():
    fuzzed = {case.route for case in CASES}
    missing = []
    for route, name, view in patterns(get_resolver().url_patterns):
        if any(route.startswith(prefix) for prefix in EXCLUDED_PREFIXES) or name in EXCLUDED or name in fuzzed:
            continue
        if accepts_post(view):
            missing.append(f"{route} ({name})")
    assert not missing, "Add these forms to tests/fuzz/cases.py (CASES), or to EXCLUDED with a reason: " + ", ".join(
        missing
    )
    assert not fuzzed & set(EXCLUDED)
    assert all(reason for reason in [*EXCLUDED.values(), *EXCLUDED_PREFIXES.values()])


def test_the_route_walk_sees_posting_views_and_get_only_pages():
    views = {name: view for _, name, view in patterns(get_resolver().url_patterns)}
    for name in ("portal:submit", "petitions:classify", "accounts:login", "plans:slips", "api:submit"):
        assert accepts_post(views[name]), name
    for name in ("portal:home", "portal:dialogues", "plans:dialogue", "accounts:password_change_done", "api:status"):
        assert not accepts_post(views[name]), name


# ---------------------------------------------------------------- each form, each field


class Poster:
    """Posts to one form as its user, each post in a transaction rolled back after it, and checks the answer: a
    refusal (4xx) is in Vietnamese and wrote nothing but records of the attempt; a success stored only clean text
    and deleted none of the records kept."""

    def __init__(self, client, user, action: str, success: tuple[int, ...]):
        self.client, self.user, self.action, self.success = client, user, action, success
        self.attempts = hostile.attempt_tables()
        self.kept = {apps.get_model(label)._meta.db_table for label in KEPT}

    def post(self, pairs, *, htmx: bool = False, expect_success: bool = False) -> None:
        with transaction.atomic():
            if self.user is not None:
                self.client.force_login(self.user)  # a post may change the session (a new password, a log-in)
            with CaptureQueriesContext(connection) as queries:
                response = hostile.post_form(self.client, self.action, pairs, htmx=htmx)
            self._check(response, hostile.writes(queries.captured_queries), expect_success)
            transaction.set_rollback(True)

    def _check(self, response, writes: list[tuple[str, str]], expect_success: bool) -> None:
        status = response.status_code
        assert status < 500
        hostile.assert_no_english(response)
        if expect_success:
            assert status in self.success, (status, hostile.refusal_texts(response)[:3])
        if status >= 400:
            hostile.assert_vietnamese_refusal(response)
            changed = {table for _, table in writes} - self.attempts
            assert not changed, f"a refused post ({status}) wrote to {sorted(changed)}"
        else:
            assert hostile.dirty_texts({table for verb, table in writes if verb != "DELETE"}) == []
            lost = {table for verb, table in writes if verb == "DELETE"} & self.kept
            assert not lost, f"a post deleted rows of {sorted(lost)}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_text_in_any_field_never_gives_a_500_and_never_loses_what_was_saved(client, world, case):
    target = case.build(world)
    user = getattr(world, case.user) if case.user else None
    if user is not None:
        client.force_login(user)
    page = client.get(target.page)
    assert page.status_code == 200, target.page
    action = urlsplit(target.action)
    pairs, free = hostile.form_posting_to(page.content.decode(), target.action, target.page)
    for name, value in target.fill.items():
        pairs = hostile.replaced(pairs, name, value)
    poster = Poster(client, user, action.path + (f"?{action.query}" if action.query else ""), case.success)
    poster.post(pairs, expect_success=True)
    names = sorted({name for name, _ in pairs}) or ["truong-khong-co"]
    for name in names:
        poster.post(hostile.replaced(pairs, name, hostile.COCKTAIL))
        if name in free:
            poster.post(hostile.replaced(pairs, name, hostile.LONG))
    for value in hostile.EVERY_FIELD:
        poster.post([(name, value) for name in names])
    poster.post([*pairs, (hostile.COCKTAIL, hostile.COCKTAIL)])  # a field name of its own making

    @settings(settings.get_profile(PROFILE))
    @given(name=st.sampled_from(names), value=hostile.HOSTILE, htmx=st.booleans())
    def any_value(name, value, htmx):
        poster.post(hostile.replaced(pairs, name, value), htmx=htmx)

    any_value()
