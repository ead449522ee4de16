"""Compare the pages the test suite rendered before and after a change (issue 11: "pages render the same HTML").

    python bench/compare_rendered.py BEFORE_DIR AFTER_DIR [--noise RUN2_DIR] [--show N] [--list N]

The folders are captures written by `tests/render_capture.py` (`DOITHOAI_CAPTURE_HTML=<dir> pytest ...`). Every
response a test got is matched with the same one on the other side: same test, same method and path (random codes
and keys in the path masked), the k-th such request within the test. Its status, its Location and its HTML body
(normalised: CSRF tokens, CSP nonces, one-time form tokens, tracking codes, slip codes, signed keys and values)
are compared. Tests whose id changed (a test file split in two) are matched by their name when that is unique.

With `--noise RUN2_DIR` (a second capture of the BEFORE code): responses that differ between BEFORE and RUN2 are
unstable (a clock that is not frozen, an order that is not fixed) and are left out of the comparison.

Prints a report and always exits 0.
"""

import argparse
import difflib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

# Kept in step with doithoai/petitions/models.CODE_ALPHABET and doithoai/plans/actions.SLIP_ALPHABET (not imported:
# this script reads files only and runs without Django).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SLIP_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
FORM_TOKEN_FIELD = "form_token"  # doithoai/lib/form_token.FormTokenField, as the forms name it

_C = f"[{CODE_ALPHABET}{CODE_ALPHABET.lower()}]"
_S = f"[{SLIP_ALPHABET}]"
EDGE_BEFORE, EDGE_AFTER = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
# A tracking code in a page: as printed (XXXX-XXXX-XXXX-X), run together or spaced in capitals, or printed in lower
# case; in a path or query (`target_code`) also as people type it (any case, `+` or `%20` for a space).
TRACKING_CODE = re.compile(
    rf"{EDGE_BEFORE}(?:(?:[{CODE_ALPHABET}][- ]?){{12}}[{CODE_ALPHABET}]|{_C}{{4}}([- ]){_C}{{4}}\1{_C}{{4}}\1{_C})"
    rf"{EDGE_AFTER}"
)
TARGET_CODE = re.compile(rf"{EDGE_BEFORE}(?:{_C}(?:[-+ ]|%20)?){{12}}{_C}{EDGE_AFTER}")
SLIP_CODE = re.compile(rf"(?<![A-Za-z0-9-]){_S}{{4}}-{_S}{{4}}(?![A-Za-z0-9-])")
CSRF_VALUE = re.compile(
    r"""(name=["']csrfmiddlewaretoken["']\s+value=["']|"X-CSRFToken":\s*")([A-Za-z0-9]{32,64})""", re.IGNORECASE
)
NONCE = re.compile(r"""\bnonce=(["'])[^"']*\1""")
INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(name|value)=(["'])(.*?)\2""", re.IGNORECASE)
# A receipt's key (?k=…) and any other value signed with a time (django.core.signing: payload:timestamp:signature).
RECEIPT_KEY = re.compile(r"""([?&](?:amp;)?k=)[^&"'\s<>#]+""")
SIGNED_TAIL = re.compile(r":[0-9A-Za-z]{6}:[A-Za-z0-9_-]{27,}")
TMP_PATH = re.compile(r"(?:/[\w.-]+)*/pytest-of-[^/\s\"'<>]+/pytest-\d+/[^\s\"'<>]*")  # pytest's tmp_path
# The clock, masked only for a page found unstable (its test does not freeze the clock): ISO date-times, times of
# day, and the seconds of a "try again in N seconds".
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
TIME_OF_DAY = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?![\d:])")
SECONDS = re.compile(r"\b\d+(\s+giây)")


def _numbered(pattern: re.Pattern, label: str, text: str, canonical=lambda value: value) -> str:
    """Each distinct value becomes `[label-1]`, `[label-2]`… in order of appearance: whether two places show the same
    value or two different ones is kept, the random value itself is not."""
    seen: dict[str, str] = {}

    def number(match: re.Match) -> str:
        key = canonical(match.group(0))
        return seen.setdefault(key, f"[{label}-{len(seen) + 1}]")

    return pattern.sub(number, text)


def _form_tokens(text: str) -> set[str]:
    values = set()
    for tag in INPUT_TAG.findall(text):
        attributes = {name.lower(): value for name, _, value in ATTRIBUTE.findall(tag)}
        name = attributes.get("name", "")
        if (name == FORM_TOKEN_FIELD or name.endswith("-" + FORM_TOKEN_FIELD)) and attributes.get("value"):
            values.add(attributes["value"])
    return values


def _code_key(value: str) -> str:
    return re.sub(r"[-+ ]|%20", "", value).upper()


def mask_clock(text: str) -> str:
    text = ISO_DATETIME.sub("[datetime]", text)
    text = TIME_OF_DAY.sub("[time]", text)
    return SECONDS.sub(r"[n]\1", text)


def normalise(html: str, mask_times: bool = False) -> str:
    """The page with its random and per-request values masked, everything else untouched (the clock too, if asked)."""
    text = NONCE.sub('nonce="[nonce]"', html)
    for token in sorted(set(CSRF_VALUE.findall(text)), key=lambda pair: -len(pair[1])):
        text = text.replace(token[1], "[csrf]")
    for number, token in enumerate(sorted(_form_tokens(text)), 1):
        text = text.replace(token, f"[form-token-{number}]")
    text = RECEIPT_KEY.sub(r"\1[k]", text)
    text = SIGNED_TAIL.sub(":[signed]", text)
    text = TMP_PATH.sub("[tmp]", text)
    text = _numbered(TRACKING_CODE, "code", text, _code_key)
    text = _numbered(SLIP_CODE, "slip", text)
    return mask_clock(text) if mask_times else text


def normalise_target(target: str) -> str:
    """A request's path and query, or a Location, with its random parts masked (unnumbered: it is part of a key)."""
    target = RECEIPT_KEY.sub(r"\1[k]", target)
    target = SIGNED_TAIL.sub(":[signed]", target)
    target = TARGET_CODE.sub("[code]", target)
    return SLIP_CODE.sub("[slip]", target)


# ---------------------------------------------------------------------------------------------------- loading


@dataclass
class Response:
    test: str  # the test id
    method: str
    target: str  # normalised path?query
    status: str
    location: str  # normalised
    hx: str  # the HX-* response headers (HX-Refresh, HX-Retarget…), normalised
    file: Path | None  # the captured HTML, None for a bodiless response (a redirect)

    def body(self, mask_times: bool = False) -> str:
        return normalise(self.file.read_text(encoding="utf-8", errors="replace"), mask_times) if self.file else ""

    def text(self, mask_times: bool = False) -> str:
        """What is compared: the status line (with Location and HX-* headers), then the normalised body."""
        head = " ".join(filter(None, [f"status {self.status}", self.location and f"→ {self.location}", self.hx]))
        return head + "\n" + self.body(mask_times)


Key = tuple[str, str, str, int]  # test, method, target, k-th such request in the test


def load(root: Path) -> dict[Key, Response]:
    responses: dict[Key, Response] = {}
    for index in sorted(root.glob("*/index.tsv")):
        lines = index.read_text(encoding="utf-8").splitlines()
        test = lines[0].removeprefix("# ") if lines and lines[0].startswith("# ") else index.parent.name
        seen: Counter = Counter()
        for line in lines[1:]:
            fields = line.split("\t")
            if len(fields) < 7:
                continue
            _n, method, target, status, _type, location, name = fields[:7]
            hx = fields[7] if len(fields) > 7 else ""
            target = normalise_target(target)
            seen[method, target] += 1
            file = index.parent / name if name else None
            key = (test, method, target, seen[method, target])
            responses[key] = Response(
                test, method, target, status, normalise_target(location), normalise_target(hx), file
            )
    return responses


def test_name(test: str) -> str:
    """The test's name without its file: `test_x[param]` of `tests/a/test_b.py::test_x[param]` (and its class)."""
    return test.split("::", 1)[1] if "::" in test else test


def rematch_moved(before: dict[Key, Response], after: dict[Key, Response]) -> int:
    """Tests found on one side only are matched by name when the name is unique among them on both sides (a test
    file split in two keeps its test names): their responses are re-keyed under the BEFORE test id. Returns how
    many tests were matched so."""
    before_tests = {key[0] for key in before} - {key[0] for key in after}
    after_tests = {key[0] for key in after} - {key[0] for key in before}
    by_name_before = defaultdict(list)
    by_name_after = defaultdict(list)
    for test in before_tests:
        by_name_before[test_name(test)].append(test)
    for test in after_tests:
        by_name_after[test_name(test)].append(test)
    moves = {
        tests[0]: by_name_before[name][0]
        for name, tests in by_name_after.items()
        if len(tests) == 1 and len(by_name_before.get(name, [])) == 1
    }
    for key in [key for key in after if key[0] in moves]:
        after[(moves[key[0]],) + key[1:]] = after.pop(key)
    return len(moves)


# ---------------------------------------------------------------------------------------------------- comparing


@dataclass
class Report:
    identical: list[Key]
    differing: list[Key]
    unstable: list[Key]
    only_before: list[Key]
    only_after: list[Key]
    clock_masked: list[Key]  # unstable until the clock was masked, then compared so
    clock_only: list[Key]  # differing, but only in times of day (a test that does not freeze the clock, most often)
    moved_tests: int = 0


def classify(
    before: dict[Key, Response], after: dict[Key, Response], noise: dict[Key, Response] | None = None
) -> Report:
    """Sort every response into identical, differing, clock only, unstable, only before, only after. A response that
    differs between BEFORE and NOISE gets a second chance with the clock masked (`mask_clock`): stable so, it is
    compared so (and listed in `clock_masked`); still not, it is unstable. Without NOISE, a response whose only
    difference is in times of day is `clock_only` rather than differing (listed, not diffed)."""
    texts: dict[tuple[int, bool], str] = {}

    def text(response: Response, mask: bool) -> str:
        if (id(response), mask) not in texts:
            texts[id(response), mask] = response.text(mask)
        return texts[id(response), mask]

    moved = rematch_moved(before, after)
    report = Report([], [], [], [], [], [], [], moved)
    for key in sorted(before.keys() | after.keys()):
        mask = False
        if noise is not None and key in before:
            if key not in noise:
                report.unstable.append(key)
                continue
            if text(noise[key], False) != text(before[key], False):
                if text(noise[key], True) != text(before[key], True):
                    report.unstable.append(key)
                    continue
                mask = True
                report.clock_masked.append(key)
        if key not in after:
            report.only_before.append(key)
        elif key not in before:
            report.only_after.append(key)
        elif text(before[key], mask) == text(after[key], mask):
            report.identical.append(key)
        elif not mask and text(before[key], True) == text(after[key], True):
            report.clock_only.append(key)
        else:
            report.differing.append(key)
    return report


def describe(key: Key, response: Response | None = None) -> str:
    test, method, target, nth = key
    page = "" if response is None or response.file else " (no body)"
    return f"{test}  {method} {target}" + (f" #{nth}" if nth > 1 else "") + page


def unified(before: Response, after: Response, context: int, limit: int, mask_times: bool = False) -> str:
    lines = list(
        difflib.unified_diff(
            before.text(mask_times).splitlines(),
            after.text(mask_times).splitlines(),
            fromfile=f"before/{before.file.relative_to(before.file.parents[1]) if before.file else '-'}",
            tofile=f"after/{after.file.relative_to(after.file.parents[1]) if after.file else '-'}",
            n=context,
            lineterm="",
        )
    )
    if len(lines) > limit:
        lines = lines[:limit] + [f"… {len(lines) - limit} more diff lines"]
    return "\n".join(lines)


def source(root: Path) -> str:
    """Where the captured run imported `doithoai` from, as the capture noted it."""
    noted = root / "_source.txt"
    return f", code in {noted.read_text(encoding='utf-8').split()[0]}" if noted.exists() else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--noise", type=Path, help="a second capture of the BEFORE code: what differs is unstable")
    parser.add_argument("--show", type=int, default=5, help="unified diffs of the first N differing responses")
    parser.add_argument("--list", type=int, default=50, help="list at most N responses of each kind")
    parser.add_argument("--context", type=int, default=3, help="lines of context in the diffs")
    parser.add_argument("--diff-lines", type=int, default=80, help="cut each diff after this many lines")
    args = parser.parse_args(argv)

    before, after = load(args.before), load(args.after)
    noise = load(args.noise) if args.noise else None
    report = classify(before, after, noise)

    def pages(keys, side) -> str:
        count = sum(1 for key in keys if side[key].file)
        return f"{count} with an HTML page"

    compared = report.identical + report.differing + report.clock_only
    out = sys.stdout
    for label, root, side in [("before:", args.before, before), ("after: ", args.after, after)]:
        out.write(f"{label} {root} ({len(side)} responses, {pages(side, side)}{source(root)})\n")
    if noise is not None:
        out.write(f"noise:  {args.noise} ({len(noise)} responses{source(args.noise)})\n")
    if report.moved_tests:
        out.write(f"tests matched by name (moved to another file): {report.moved_tests}\n")
    out.write(
        f"\ncompared:     {len(compared)} responses ({pages(compared, before)})\n"
        f"identical:    {len(report.identical)} ({pages(report.identical, before)})\n"
        f"differing:    {len(report.differing)} ({pages(report.differing, before)})\n"
        f"clock only:   {len(report.clock_only)} (differing in times of day only: a test without a frozen clock?)\n"
        f"unstable:     {len(report.unstable)} (left out: not the same on two runs of the BEFORE code, clock masked)\n"
        f"clock masked: {len(report.clock_masked)} (compared with times of day masked: their tests do not freeze it)\n"
        f"only before:  {len(report.only_before)}\n"
        f"only after:   {len(report.only_after)}\n"
    )
    for title, keys, side in [
        ("differing", report.differing, before),
        ("differing in times of day only", report.clock_only, before),
        ("unstable", report.unstable, before),
        ("only before", report.only_before, before),
        ("only after", report.only_after, after),
    ]:
        if keys:
            out.write(f"\n== {title} ({len(keys)})\n")
            for key in keys[: args.list]:
                out.write(f"  {describe(key, side[key])}\n")
            if len(keys) > args.list:
                out.write(f"  … and {len(keys) - args.list} more\n")
    masked = set(report.clock_masked)
    for key in report.differing[: args.show]:
        diff = unified(before[key], after[key], args.context, args.diff_lines, key in masked)
        out.write(f"\n== diff: {describe(key)}\n{diff}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
