"""bench/compare_rendered.py: what the normaliser masks and keeps, and how the comparer sorts responses (issue 11).
Pure functions on small files; no database."""

import importlib.util
from pathlib import Path

import pytest

from tests.render_capture import file_safe

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "compare_rendered.py"
spec = importlib.util.spec_from_file_location("compare_rendered", SCRIPT)
compare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare)

CSRF_A, CSRF_B = "a" * 64, "B" * 64
TOKEN_A, TOKEN_B = "tok_" + "x" * 28, "tok_" + "y" * 28
OTHER_CODE = "2345-6789-ABCD-E"


def page(csrf=CSRF_A, token=TOKEN_A, code="K7QX-M3RW-9HTD-B", slip="ACDE-FGHJ", nonce="n0nce", title="Ý kiến"):
    return (
        f'<body hx-headers=\'{{"X-CSRFToken": "{csrf}"}}\'><script nonce="{nonce}"></script>\n'
        f'<h1>{title} <span class="code">{code}</span></h1>\n'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        f'<input type="hidden" name="form_token" value="{token}" id="id_form_token">\n'
        f'<a href="/tra-cuu/{code}/?moi=1&amp;k=IkFCQyI:1xWlFo:abcdefghijklmnopqrstuvwxyz0123456789ABC">biên nhận</a>\n'
        f"<p>Phiếu {slip}</p>\n"
    )


def test_random_and_per_request_values_are_masked_and_the_rest_kept():
    first = compare.normalise(page())
    second = compare.normalise(
        page(csrf=CSRF_B, token=TOKEN_B, code="2345-6789-ABCD-E", slip="KMNP-QRTU", nonce="other")
    )
    assert first == second
    assert CSRF_A not in first and TOKEN_A not in first and "K7QX" not in first and "ACDE-FGHJ" not in first
    assert 'nonce="[nonce]"' in first and "[csrf]" in first and "[form-token-1]" in first
    assert "/tra-cuu/[code-1]/?moi=1&amp;k=[k]" in first and "[slip-1]" in first
    assert "<h1>Ý kiến <span" in first  # the page itself untouched
    assert compare.normalise(page(title="Ý kiến.")) != first


def test_codes_are_numbered_so_the_same_code_twice_differs_from_two_codes():
    same = compare.normalise("<p>K7QX-M3RW-9HTD-B</p><p>k7qx-m3rw-9htd-b</p><p>K7QXM3RW9HTDB</p>")
    two = compare.normalise("<p>K7QX-M3RW-9HTD-B</p><p>2345-6789-ABCD-E</p>")
    assert same == "<p>[code-1]</p><p>[code-1]</p><p>[code-1]</p>"
    assert two == "<p>[code-1]</p><p>[code-2]</p>"


@pytest.mark.parametrize(
    "text",
    [
        "K7QX-M3RW-9HTD-BB",  # one letter too many
        "0OIL-0OIL-0OIL-0",  # letters outside the alphabet
        "class-name-here-x",
        "<p>Ngày 08 tháng 12 năm 2026, 09:31</p>",  # the clock is kept unless asked
    ],
)
def test_what_is_not_a_code_or_token_is_left_alone(text):
    assert compare.normalise(text) == text


def test_a_path_masks_the_code_however_it_was_typed_and_signed_values():
    for typed in ["K7QX-M3RW-9HTD-B", "k7qx-m3rw-9htd-b", "K7QX M3RW 9HTDB", "+k7qx+m3rw+9htd+b+", "K7QX%20M3RW9HTDB"]:
        assert compare.normalise_target(f"/tra-cuu/{typed}/") in ("/tra-cuu/[code]/", "/tra-cuu/+[code]+/")
    assert compare.normalise_target("/da-gui/?t=MQ:1xWlFo:abcdefghijklmnopqrstuvwxyz01234") == "/da-gui/?t=MQ:[signed]"
    assert compare.normalise_target("/can-bo/y-kien/12/") == "/can-bo/y-kien/12/"


def test_the_clock_is_masked_only_when_asked():
    text = '<time datetime="2026-12-08T09:31:32.423185+07:00">09:31, thứ Ba</time> Xin thử lại sau 26 giây.'
    assert compare.normalise(text) == text
    assert compare.normalise(text, mask_times=True) == (
        '<time datetime="[datetime]">[time], thứ Ba</time> Xin thử lại sau [n] giây.'
    )


def test_file_names_are_safe_and_bounded():
    assert file_safe("tests/a/test_b.py::test_c[Xã Tân Yên]") == "tests_a_test_b.py_test_c_X_T_n_Y_n"
    long = file_safe("x" * 500, limit=120)
    assert len(long) == 120 and long != file_safe("x" * 499, limit=120)


# ------------------------------------------------------------------------------------------------- the comparer


def capture(root: Path, tests: dict[str, list[tuple]]) -> Path:
    """Write a capture as tests/render_capture.py does: {test id: [(method, path, status, html or "", hx)]}."""
    for test, responses in tests.items():
        folder = root / file_safe(test)
        folder.mkdir(parents=True)
        lines = [f"# {test}"]
        for n, (method, path, status, html, *hx) in enumerate(responses, 1):
            name = f"{n:03d}-{method}-{file_safe(path)}-{status}.html" if html else ""
            if html:
                (folder / name).write_text(html, encoding="utf-8")
            location = "/next/" if status == 302 else ""
            lines.append("\t".join([str(n), method, path, str(status), "text/html", location, name, *hx]))
        (folder / "index.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


BEFORE = {
    "tests/a/test_x.py::test_same": [("GET", "/a/", 200, page()), ("POST", "/a/", 302, "")],
    "tests/a/test_x.py::test_changed": [("GET", "/b/", 200, page(title="Cũ"))],
    "tests/a/test_x.py::test_status": [("POST", "/c/", 422, page())],
    "tests/a/test_x.py::test_hx": [("POST-hx", "/d/", 200, page(), "HX-Refresh: true")],
    "tests/a/test_x.py::test_gone": [("GET", "/e/", 200, page())],
    "tests/a/test_x.py::test_clock": [("GET", "/f/", 200, "<p>09:31</p>")],
    "tests/a/test_x.py::test_flaky": [("GET", "/g/", 200, "<p>1</p>")],
    "tests/a/test_big.py::test_moved": [("GET", "/tra-cuu/K7QX-M3RW-9HTD-B/", 200, page())],
}
AFTER = {
    "tests/a/test_x.py::test_same": [
        ("GET", "/a/", 200, page(csrf=CSRF_B, token=TOKEN_B, code="2345-6789-ABCD-E", nonce="z")),
        ("POST", "/a/", 302, ""),
    ],
    "tests/a/test_x.py::test_changed": [("GET", "/b/", 200, page(title="Mới"))],
    "tests/a/test_x.py::test_status": [("POST", "/c/", 200, page())],
    "tests/a/test_x.py::test_hx": [("POST-hx", "/d/", 200, page(), "HX-Redirect: /d/")],
    "tests/a/test_x.py::test_new": [("GET", "/h/", 200, page())],
    "tests/a/test_x.py::test_clock": [("GET", "/f/", 200, "<p>09:33</p>")],
    "tests/a/test_x.py::test_flaky": [("GET", "/g/", 200, "<p>3</p>")],
    "tests/a/test_big_views.py::test_moved": [("GET", "/tra-cuu/2345-6789-ABCD-E/", 200, page(code=OTHER_CODE))],
}


def names(keys) -> list[str]:
    return sorted(key[0].split("::")[1] for key in keys)


def test_responses_are_sorted_into_identical_differing_and_one_sided(tmp_path):
    before = compare.load(capture(tmp_path / "before", BEFORE))
    after = compare.load(capture(tmp_path / "after", AFTER))
    report = compare.classify(before, after)
    assert names(report.identical) == ["test_moved", "test_same", "test_same"]
    assert names(report.differing) == ["test_changed", "test_flaky", "test_hx", "test_status"]
    assert names(report.clock_only) == ["test_clock"]
    assert names(report.only_before) == ["test_gone"] and names(report.only_after) == ["test_new"]
    assert report.moved_tests == 1 and report.unstable == []


def test_what_differs_between_two_runs_of_the_same_code_is_unstable_or_compared_with_the_clock_masked(tmp_path):
    noise = dict(BEFORE)
    noise["tests/a/test_x.py::test_clock"] = [("GET", "/f/", 200, "<p>09:32</p>")]
    noise["tests/a/test_x.py::test_flaky"] = [("GET", "/g/", 200, "<p>2</p>")]
    report = compare.classify(
        compare.load(capture(tmp_path / "before", BEFORE)),
        compare.load(capture(tmp_path / "after", AFTER)),
        compare.load(capture(tmp_path / "noise", noise)),
    )
    assert names(report.unstable) == ["test_flaky"]
    assert names(report.clock_masked) == ["test_clock"] and "test_clock" in names(report.identical)
    assert names(report.differing) == ["test_changed", "test_hx", "test_status"]


def test_the_report_counts_and_shows_a_diff_and_exits_0(tmp_path, capsys):
    before, after = capture(tmp_path / "before", BEFORE), capture(tmp_path / "after", AFTER)
    assert compare.main([str(before), str(after), "--show", "1", "--context", "0"]) == 0
    out = capsys.readouterr().out
    assert "identical:    3 (" in out and "differing:    4 (" in out and "only before:  1" in out
    assert "tests matched by name (moved to another file): 1" in out
    assert "-<h1>Cũ <span" in out and "+<h1>Mới <span" in out
