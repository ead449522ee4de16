"""Hostile text and how to send it: Hypothesis strategies, a form encoder that lets a lone surrogate through (as a
hostile client would send it), a reader of the forms a page shows, and the checks every answer must pass."""

import contextlib
import functools
import json
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import quote_plus

from django.apps import apps
from django.db import models
from hypothesis import strategies as st

# ---------------------------------------------------------------- hostile values

# Every Unicode general category.
ALL_CATEGORIES = (
    "Cc", "Cf", "Cn", "Co", "Cs", "Ll", "Lm", "Lo", "Lt", "Lu", "Mc", "Me", "Mn", "Nd", "Nl",
    "No", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "Sc", "Sk", "Sm", "So", "Zl", "Zp", "Zs",
)  # fmt: skip
# Characters a reader does not see, or that turn text around: format characters (Cf), controls, separators.
INVISIBLE = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffb"
    "\U000110bd\U0001d173\U000e0001\U000e0041\U000e007f\ud800\udfff\ufe0f\u3164\uffa0"
)
VIETNAMESE = (
    "Đề nghị sửa chữa đường liên thôn Trung – Hạ bị xuống cấp",
    "Ủy ban nhân dân xã trả lời về chế độ hỗ trợ hộ nghèo",
    "Nguyễn Thị Hoà, xóm Đông",
    "Hợp tác xã Nông nghiệp Tân Yên",
    "Phòng Kinh tế",
    "Số 215/UBND-VP",
)
PLAUSIBLE = (
    *VIETNAMESE,
    "0987654321",
    "+84 987 654 321",
    "mau@example.vn",
    "27/11/2026",
    "2026-12-20",
    "09:00",
    "1",
    "42",
    "K7QX-M3RW-9HTD-B",
    "III.2",
    "<b>đậm</b> & “ngoặc”",
    "Robert'); DROP TABLE petitions;--",
    "{{ 7|add:7 }}",
)
# One value with a bit of everything: what the deterministic sweep posts in every field.
COCKTAIL = (
    "Đề nghị\x00 sửa\u2060 đường\u061c thôn\u202e Trung\u200d\u00ad\x85\x9f\ufeff "
    + unicodedata.normalize("NFD", "Hạ, xã Tân Yên")
    + " \U000e0041\ud800\x1b[31m\u2028<script>alert(1)</script> ' OR 1=1 --"
)
HUGE_ASCII = "A" * (1024 * 1024)  # 1 MB that Django accepts: the form or the action must refuse it
HUGE_VIETNAMESE = "Đường " * 150_000  # ≈ 1.2 MB of UTF-8, 3.6 MB once form-encoded: over the request limit
# 25,800 characters, over every field's limit (the longest, content, is 20,000); it begins with letters of three
# UTF-8 bytes, which grow nine-fold when percent-encoded again (into an address, say).
LONG = "Ữ" * 5000 + " Đường xuống cấp" * 1300

any_text = st.text(st.characters(codec=None, categories=ALL_CATEGORIES), max_size=40)
invisible_mix = st.lists(st.sampled_from(INVISIBLE) | st.sampled_from(VIETNAMESE), min_size=1, max_size=8).map("".join)
decomposed = st.sampled_from(VIETNAMESE).map(lambda v: unicodedata.normalize("NFD", v))
with_nul = st.tuples(st.sampled_from(PLAUSIBLE), st.sampled_from(PLAUSIBLE)).map("\x00".join)
huge = st.sampled_from((HUGE_ASCII, HUGE_VIETNAMESE, LONG, "9" * 5000, "\u2060" * 100_000, "e\u0301" * 200_000))
blank = st.sampled_from(("", " ", "\n\t ", "\u00a0\u2060\u200b", "\x00"))

HOSTILE = st.one_of(any_text, invisible_mix, decomposed, with_nul, huge, blank, st.sampled_from(PLAUSIBLE))
# Posted in all the fields at once: each field must refuse them or take them (1 MB in every field together is over
# the request limit: the refusal comes before any form).
EVERY_FIELD = (LONG, HUGE_ASCII, "")


# ---------------------------------------------------------------- sending a form as a hostile client would


def form_body(pairs: list[tuple[str, str]]) -> bytes:
    """application/x-www-form-urlencoded with any Python string: a lone surrogate goes out as the bytes a broken
    client sends (ED A0 80), which Django decodes to U+FFFD."""

    return "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in pairs).encode("ascii")


@functools.lru_cache(maxsize=256)
def _encoded(text: str) -> str:
    return quote_plus(text.encode("utf-8", "surrogatepass"))


def post_form(client, url: str, pairs: list[tuple[str, str]], *, htmx: bool = False, **extra):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        url, data=form_body(pairs), content_type="application/x-www-form-urlencoded", headers=headers, **extra
    )


def replaced(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The form's pairs with every value of `name` replaced by `value` (added when the form had none)."""
    kept = [(k, v) for k, v in pairs if k != name]
    return [*kept, (name, value)]


# ---------------------------------------------------------------- reading a page's forms


# Inputs that take any text (a hidden one does too, from a hostile client), unlike a choice among options.
FREE_INPUTS = {"text", "search", "email", "tel", "url", "number", "date", "time", "month", "password", "hidden"}


class _Forms(HTMLParser):
    """The forms of a page as a browser would submit them: each form's action, method and (name, value) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.orphans: list[tuple[str, dict]] = []  # fields outside any form naming one with form="…"
        self.current: dict | None = None
        self.textarea: tuple[dict, str] | None = None
        self.select: tuple[dict, str, dict] | None = None
        self.option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            method = a.get("method", "get").lower()
            self.current = {"action": a.get("action", ""), "also": [], "method": method, "fields": [], "text": set()}
            self.forms.append(self.current)
            if a.get("id"):
                self.by_id[a["id"]] = self.current
        elif tag in ("input", "textarea", "select") and a.get("name"):
            owner = self._owner(a)
            if tag == "input":
                self._input(owner, a)
            elif tag == "textarea":
                self.textarea = (owner, a["name"], [])
            else:
                self.select = (owner, a["name"], {"multiple": "multiple" in a, "options": [], "chosen": []})
        elif tag == "button" and a.get("formaction") and self.current is not None:
            self.current["also"].append(a["formaction"])  # this button posts the form elsewhere
        elif tag == "option" and self.select:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self.select[2]["options"].append(self.option)

    def _owner(self, a: dict):
        if a.get("form"):
            return a["form"]  # resolved at the end: the form may come later in the page
        return self.current

    def _add(self, owner, name: str, value: str, text: bool = False) -> None:
        if isinstance(owner, str):
            self.orphans.append((owner, (name, value), text))
        elif owner is not None:
            owner["fields"].append((name, value))
            if text:
                owner["text"].add(name)

    def _input(self, owner, a: dict) -> None:
        kind = a.get("type", "text").lower()
        if kind in ("file", "submit", "button", "reset", "image"):
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        if a["name"] == "csrfmiddlewaretoken":
            return
        value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
        self._add(owner, a["name"], value, text=kind in FREE_INPUTS)

    def handle_data(self, data):
        if self.textarea:
            self.textarea[2].append(data)
        if self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            owner, name, parts = self.textarea
            text = "".join(parts)
            self._add(owner, name, text[1:] if text.startswith("\n") else text, text=True)
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select:
            owner, name, info = self.select
            chosen = [o for o in info["options"] if o["selected"]] or info["options"][:1]
            for option in chosen if info["multiple"] or chosen else []:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self._add(owner, name, value)
                if not info["multiple"]:
                    break
            self.select = None
        elif tag == "form":
            self.current = None

    def close(self):
        super().close()
        for form_id, (name, value), text in self.orphans:
            if form_id in self.by_id:
                self._add(self.by_id[form_id], name, value, text)


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(html: str, action: str, page_url: str) -> tuple[list[tuple[str, str]], set[str]]:
    """The (name, value) pairs of the page's form that posts to `action` (a form without action posts to the page
    itself), and the names of its fields that take any text (not a choice); fails the test when there is no such form."""
    found = [
        f
        for f in forms_of(html)
        if f["method"] == "post" and action in {u.split("#")[0] or page_url for u in [f["action"], *f["also"]]}
    ]
    assert found, f"{page_url} shows no form posting to {action}"
    return list(found[0]["fields"]), found[0]["text"]


# ---------------------------------------------------------------- what every answer must satisfy

ENGLISH = re.compile(
    r"This field|Enter a valid|Ensure this value|Select a valid choice|Null characters|is not one of the available"
    r"|Bad Request|Not Found|Forbidden|Method not allowed|Cannot parse|Field required|Input should|Value error"
    r"|Server Error|Traceback",
)
VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


class _Alerts(HTMLParser):
    """The texts a refused form shows: each error list item and each role="alert" block, and the page title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.alerts: list[str] = []
        self.title = ""
        self._stack: list[list[str] | None] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        capture = "errorlist" in classes and tag == "ul" or a.get("role") == "alert" or tag == "li" and self._open()
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        self._stack.append([] if capture else None)
        self._in_title = tag == "title"

    def _open(self) -> bool:
        return any(frame is not None for frame in self._stack)

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        for frame in self._stack:
            if frame is not None:
                frame.append(data)

    def handle_endtag(self, tag):
        self._in_title = False
        if tag in ("input", "br", "img", "meta", "link", "hr") or not self._stack:
            return
        frame = self._stack.pop()
        if frame is not None and "".join(frame).strip():
            self.alerts.append(" ".join("".join(frame).split()))


def refusal_texts(response) -> list[str]:
    """What a refusal tells the user: the JSON detail and messages, or the page's alerts (else its title)."""
    text = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(text)
        messages = [m for ms in (body.get("errors") or {}).values() for m in ms]
        return [str(body.get("detail", "")), *messages]
    parser = _Alerts()
    parser.feed(text)
    return parser.alerts or [parser.title]


def assert_no_english(response) -> None:
    """Whatever the status, a page or JSON answer shows no message in English (Django's or Pydantic's own)."""
    if response.get("Content-Type", "").startswith(("text/html", "application/json")):
        found = ENGLISH.search(response.content.decode("utf-8", "replace"))
        assert not found, f"English in a {response.status_code}: {found.group()!r}"


def assert_vietnamese_refusal(response) -> None:
    if response.status_code == 405:  # a method the URL does not take: HTTP's answer, naming the ones it takes
        assert response.has_header("Allow")
        return
    text = response.content.decode("utf-8", "replace")
    assert not ENGLISH.search(text), f"English in a {response.status_code}: {ENGLISH.search(text).group()!r}"
    texts = refusal_texts(response)
    assert texts and all(VIETNAMESE_LETTER.search(t) for t in texts), (response.status_code, texts[:5])


# ---------------------------------------------------------------- what is stored

# Tables a refused request may still write to: the session, and records of the attempt itself (counters of the rate
# limits and log-in failures, idempotency claims, logged views of an identity). Nothing else may change.
ATTEMPT_LOGS = ("petitions.identityview", "api.ratecounter", "api.idempotencykey", "accounts.loginthrottle")
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+"?(\w+)"?', re.IGNORECASE)


def writes(queries) -> list[tuple[str, str]]:
    """(statement, table) of each INSERT, UPDATE or DELETE among captured queries that was kept: the writes of a
    savepoint rolled back (a batch of rows refused as a whole) are undone, so they do not count."""
    kept: list[tuple[str, str]] = []
    marks: dict[str, int] = {}
    for query in queries:
        sql = query["sql"]
        if point := _SAVEPOINT.match(sql):
            verb, name = point.group(1).upper(), point.group(2)
            if verb == "SAVEPOINT":
                marks[name] = len(kept)
            elif verb.startswith("ROLLBACK") and name in marks:
                del kept[marks[name] :]
        elif write := _WRITE.match(sql):
            kept.append((write.group(1).split()[0].upper(), write.group(2)))
    return kept


def attempt_tables() -> set[str]:
    tables = {"django_session"}
    for label in ATTEMPT_LOGS:
        with contextlib.suppress(LookupError):  # a model another part may not have yet
            tables.add(apps.get_model(label)._meta.db_table)
    return tables


def dirty_texts(tables: set[str]) -> list[tuple[str, str, str]]:
    """(model, field, text) for every text stored in `tables` that is not clean: a control, format or surrogate
    character, or not NFC."""
    found = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if model._meta.db_table not in tables or not fields:
            continue
        for row in model.objects.values_list(*fields):
            for field, value in zip(fields, row, strict=True):
                if isinstance(value, str) and not is_stored_clean(value):
                    found.append((model._meta.label_lower, field, value[:80]))
    return found


_UNCLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def is_stored_clean(value: str) -> bool:
    if _UNCLEAN.search(value) or any(unicodedata.category(ch) == "Cf" for ch in value):
        return False
    return unicodedata.is_normalized("NFC", value)
