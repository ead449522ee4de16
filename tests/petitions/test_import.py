"""Nhập từ Excel (/can-bo/nhap-excel/): an organisation's list of opinions from an XLSX or CSV file, previewed,
then saved in one transaction through actions.submit_petition; hostile files are refused or defused."""

import datetime as dt
import io
import json
import re
import time
import unicodedata
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from doithoai.accounts.models import Organization
from doithoai.lib import legacy_text
from doithoai.petitions import importing
from doithoai.petitions.models import ImportRow, Petition, PetitionImport
from doithoai.petitions.tasks import import_petitions, read_petition_list
from tests.factories import OrganizationFactory

URL = "/can-bo/nhap-excel/"
TEMPLATE_URL = "/can-bo/nhap-excel/mau.xlsx"
HEADER = list(importing.TEMPLATE_HEADERS)


@pytest.fixture
def world(commune, other_commune, user_with_role, frozen_demo_now):
    return SimpleNamespace(
        commune=commune,
        other=other_commune,
        rep=user_with_role("org_rep", commune.unit, commune.farmers),
        coordinator=user_with_role("coordinator", commune.unit),
        village=OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE),
    )


def xlsx(rows, header=HEADER, title="Ý kiến") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_table(data: bytes) -> SimpleNamespace:
    """Every row of a file, in memory, through the bounded reader the import uses: .rows as (line, cells), .source,
    .formulas as (line, column)."""
    importing.check_file(data)
    with importing.open_table(io.BytesIO(data)) as table:
        rows = list(table.rows)
    formulas = {(line, column) for line, _, columns in rows for column in columns}
    return SimpleNamespace(rows=[(line, cells) for line, cells, _ in rows], source=table.source, formulas=formulas)


def parse(data: bytes, villages=(), columns=None, header_line=None) -> SimpleNamespace:
    """A file read and checked as the import does it (header found by its names, or the columns given), in memory:
    .rows (importing.Row), .valid, .invalid, .source, .columns (labels), .layout."""
    table = read_table(data)
    if columns is None:
        found = importing.find_layout(table.rows, table.source)
        if found.header_line is None:
            raise importing.ImportRefused("Không tìm thấy cột “Nội dung ý kiến, kiến nghị” trong các dòng đầu của tệp.")
        columns, header_line = found.columns, found.header_line
    by_fold = importing.village_index(villages)
    rows = [
        importing.check_row(line, cells, {c for at, c in table.formulas if at == line}, columns, by_fold)
        for line, cells in table.rows
        if line > (header_line or 0)
    ]
    rows = [row for row in rows if row is not None]
    labels = [label for field, label in importing.COLUMN_LABELS.items() if field in columns]
    return SimpleNamespace(
        rows=rows,
        valid=[r for r in rows if r.ok],
        invalid=[r for r in rows if not r.ok],
        source=table.source,
        columns=labels,
        layout=importing.find_layout(table.rows, table.source) if table.rows else None,
    )


def upload(client, data: bytes, name="danh-sach.xlsx", url=URL, **extra):
    """Upload a file; follows the redirect to the import's page (its preview), or returns the refused form."""
    return client.post(url, {"file": SimpleUploadedFile(name, data), **extra}, follow=True)


def page_of(response) -> str:
    """The import's own page a response ended on (/can-bo/nhap-excel/<id>/)."""
    url = response.redirect_chain[-1][0] if getattr(response, "redirect_chain", None) else response.request["PATH_INFO"]
    assert re.fullmatch(r"/can-bo/nhap-excel/\d+/", url), url
    return url


def commit(client, response, **extra):
    """Confirm the previewed import (the page it ends on shows the report, or the preview with its errors)."""
    return client.post(page_of(response), extra, follow=True)


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese in code page 1258: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


GOOD = [
    [
        1,
        "Đề nghị nạo vét kênh tưới thôn Trung trước vụ xuân.",
        "Thân Văn Cường",
        "0912345678",
        "Thôn Trung",
        "kiến nghị",
    ],
    [2, "Giá phân bón tăng cao, đề nghị có chính sách hỗ trợ.", "", "", "", "góp ý"],
    [3, "Khi nào đường liên thôn được sửa?", "Nguyễn Thị Lan", "", "Xóm Mới", "Câu hỏi"],
]


# ---------------------------------------------------------------- the template


def test_the_template_is_a_workbook_of_strings_with_a_guide(client, world):
    client.force_login(world.rep)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ý kiến", "Hướng dẫn"]
    sheet = workbook["Ý kiến"]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.column_dimensions["B"].width == 60
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.value is None or cell.data_type == "s"
    # The template itself is read back as an empty list with every column recognised.
    parsed = parse(response.content)
    assert parsed.rows == [] and "Nội dung" in parsed.columns and "Loại" in parsed.columns


# ---------------------------------------------------------------- preview and commit


def test_upload_shows_a_preview_and_saves_nothing(client, world):
    client.force_login(world.rep)
    response = upload(client, xlsx(GOOD))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xem trước" in html and "3</strong> hợp lệ" in html
    assert "Không có thôn “Xóm Mới”" in html
    assert Petition.objects.count() == 0


def test_commit_creates_every_row_through_submit_petition(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.rep)
    preview = upload(client, xlsx(GOOD))
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(client, preview)
    assert response.status_code == 200
    created = list(Petition.objects.order_by("pk"))
    assert len(created) == 3
    first, second, third = created
    assert {p.channel for p in created} == {"org_batch"}
    assert {p.submitter_organization_id for p in created} == {world.commune.farmers.pk}
    assert first.village == world.village and first.submitter_phone == "0912345678" and first.kind == "kien_nghi"
    assert second.kind == "gop_y" and third.kind == "cau_hoi" and third.submitter_address == "Xóm Mới"
    assert all(p.history.filter(action="receive").exists() for p in created)
    html = response.content.decode()
    assert all(p.code in html for p in created) and "Đã nhập <strong>3</strong> ý kiến" in html
    batch = PetitionImport.objects.get()
    assert batch.status == "done" and batch.rows_done == 3 and {p.imported_in_id for p in created} == {batch.pk}
    assert not batch.file  # the list held personal data: deleted once imported
    # Submitting the same list again imports nothing more: the page shows the first import's report.
    again = commit(client, preview)
    assert again.status_code == 200 and "Đã nhập <strong>3</strong> ý kiến" in again.content.decode()
    assert Petition.objects.count() == 3


def test_rows_with_errors_block_the_import_until_the_user_skips_them(client, world):
    rows = GOOD + [
        [4, "", "Ai đó", "", "", ""],
        [5, "Nội dung", "", "12345", "", ""],
        [6, "Nội dung", "", "", "", "xin"],
    ]
    client.force_login(world.rep)
    preview = upload(client, xlsx(rows))
    html = preview.content.decode()
    assert "Số điện thoại “12345” không hợp lệ" in html and "Loại “xin” không rõ" in html
    blocked = commit(client, preview)
    assert blocked.status_code == 422 and "Có 3 dòng lỗi" in blocked.content.decode()
    assert Petition.objects.count() == 0
    done = commit(client, preview, skip_errors="on")
    assert done.status_code == 200 and Petition.objects.count() == 3
    assert "Dòng 6: Số điện thoại" in done.content.decode()


def test_a_fully_blank_row_is_not_an_error(client, world):
    parsed = parse(xlsx([GOOD[0], [None, None], ["", "  "], GOOD[1]]))
    assert [r.line for r in parsed.rows] == [2, 5] and all(r.ok for r in parsed.rows)


def test_columns_in_another_order_and_another_layout(client, world):
    header = ["Loại", "SĐT", "Người nêu", "Địa chỉ", "NỘI DUNG KIẾN NGHỊ"]
    data = xlsx([["phản ánh", "912345678", "Lê Văn Hùng", "thôn trung", "Đèn đường thôn Trung hỏng."]], header=None)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    sheet.insert_rows(1, 3)
    sheet["A1"] = "DANH SÁCH Ý KIẾN CỦA HỘI NÔNG DÂN"
    for i, title in enumerate(header, 1):
        sheet.cell(row=3, column=i, value=title)
    out = io.BytesIO()
    workbook.save(out)
    (row,) = parse(out.getvalue(), [world.village]).rows
    assert row.ok and row.kind == "phan_anh" and row.phone == "0912345678"  # the leading zero Excel dropped
    assert row.village_id == world.village.pk and row.content == "Đèn đường thôn Trung hỏng."


def test_another_layout_is_imported_after_the_user_chooses_its_columns(client, world):
    client.force_login(world.rep)
    rows = [["Nguyễn Văn An", "0912345678", "Mương thôn Trung bị bồi lấp."], ["", "", "Xin lắp đèn ngõ 3."]]
    response = upload(client, xlsx(rows, header=["Người", "Số máy", "Việc cần làm"]))
    html = response.content.decode()
    assert response.status_code == 200 and "Chọn cột" in html and "Không nhận ra cột “Nội dung”" in html
    assert "Cột C: Việc cần làm" in html and Petition.objects.count() == 0
    url = page_of(response)
    missing = client.post(url, {"header_line": "1", "name": "0"})
    assert missing.status_code == 422 and "Xin chọn cột chứa nội dung ý kiến." in missing.content.decode()
    twice = client.post(url, {"header_line": "1", "content": "2", "name": "2"})
    assert twice.status_code == 422 and "Mỗi cột của tệp chỉ chọn cho một mục." in twice.content.decode()
    hostile = client.post(url, {"header_line": "1", "content": "99"})
    assert hostile.status_code == 422 and Petition.objects.count() == 0
    preview = client.post(url, {"header_line": "1", "content": "2", "name": "0", "phone": "1"}, follow=True)
    assert "2</strong> hợp lệ" in preview.content.decode()
    done = commit(client, preview)
    assert "Đã nhập <strong>2</strong> ý kiến" in done.content.decode()
    first, second = Petition.objects.order_by("pk")
    assert first.content == "Mương thôn Trung bị bồi lấp." and first.submitter_name == "Nguyễn Văn An"
    assert first.submitter_phone == "0912345678" and second.submitter_name == ""


def test_a_file_with_nothing_in_it_is_refused(client, world):
    client.force_login(world.rep)
    response = upload(client, xlsx([], header=None))
    assert response.status_code == 422 and "Tệp không có dòng nào có chữ." in response.content.decode()
    assert PetitionImport.objects.count() == 0


# ---------------------------------------------------------------- hostile and odd files


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x.example","bấm")', "=1+1", "=cmd|'/c calc'!A1"])
def test_a_formula_is_imported_as_plain_text(client, world, formula):
    client.force_login(world.rep)
    preview = upload(client, xlsx([[1, formula]]))
    assert "công thức Excel: đã giữ nguyên dạng chữ" in preview.content.decode()
    commit(client, preview)
    assert Petition.objects.get().content == formula


def test_control_characters_are_stripped_and_text_nfc(client, world):
    decomposed = "Đe\u0302\u0300 nghi\u0323\u200b sửa\x07 cầu"
    data = f'Nội dung,Họ và tên\n"{decomposed}",Lê\u202e Văn\x00\n'.replace("\x00", "\x1b").encode()
    (row,) = parse(data).rows
    assert row.content == "Đề nghị sửa cầu" and row.name == "Lê Văn"


def test_an_exe_renamed_xlsx_is_refused(client, world):
    client.force_login(world.rep)
    response = upload(client, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, name="danh-sach.xlsx")
    assert response.status_code == 422 and "không phải bảng tính" in response.content.decode()
    assert Petition.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(client, world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    client.force_login(world.rep)
    response = upload(client, out.getvalue())
    assert response.status_code == 422 and "không phải sổ làm việc Excel" in response.content.decode()


def test_an_old_xls_is_imported_like_an_xlsx(client, world):
    from tests.petitions.test_import_xls import xls  # the .xls writer (xlwt) lives with the .xls tests

    client.force_login(world.rep)
    response = upload(client, xls(GOOD), name="cu.xls")
    html = response.content.decode()
    assert response.status_code == 200 and "3</strong> hợp lệ" in html
    assert "Giá phân bón tăng cao, đề nghị có chính sách hỗ trợ." in html and "Nguyễn Thị Lan" in html
    assert Petition.objects.count() == 0


def test_a_csv_in_utf8_with_bom_and_semicolons(client, world):
    text = "Nội dung;Họ và tên;Loại\r\nĐề nghị sửa cầu Đồng;Trần Thị Mẫu;phản ánh\r\n"
    parsed = parse(("\ufeff" + text).encode("utf-8"))
    (row,) = parsed.rows
    assert parsed.source == "CSV, mã UTF-8"
    assert row.content == "Đề nghị sửa cầu Đồng" and row.name == "Trần Thị Mẫu" and row.kind == "phan_anh"


def test_a_csv_in_windows_1258(client, world):
    text = "Nội dung,Họ và tên\r\nĐề nghị sửa đường thôn Trung,Nguyễn Văn Hải\r\n"
    data = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = parse(data)
    (row,) = parsed.rows
    assert parsed.source == "CSV, mã Windows-1258"
    assert row.content == "Đề nghị sửa đường thôn Trung" and row.name == "Nguyễn Văn Hải"


def test_a_tcvn3_cell_is_repaired_and_said_so(client, world):
    client.force_login(world.rep)
    preview = upload(client, xlsx([[1, "§Ò nghÞ söa ®\u00adêng liªn th«n", "TrÇn V¨n B¶o"]]))
    html = preview.content.decode()
    assert "Đã chuyển mã TCVN3" in html
    commit(client, preview)
    petition = Petition.objects.get()
    assert petition.content == "Đề nghị sửa đường liên thôn" and petition.submitter_name == "Trần Văn Bảo"


@pytest.mark.parametrize(
    "text", ["Hà Nội", "Bà Tú", "Giá phân bón tăng cao", "Đường xuống cấp", "Cà phê 50% · ½ giá", "Số 3 © 2026"]
)
def test_unicode_text_is_never_touched_by_the_tcvn3_repair(text):
    assert legacy_text.repair_tcvn3(text) == (text, False)


def test_tcvn3_repair_of_common_words():
    assert legacy_text.repair_tcvn3("Hµ Néi, B¶o Th¾ng, M\u00adêng Kh\u00ad\u00acng") == (
        "Hà Nội, Bảo Thắng, Mường Khương",
        True,
    )


def test_a_pdf_renamed_csv_is_refused(client, world):
    client.force_login(world.rep)
    response = upload(client, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" * 20, name="danh-sach.csv")
    assert response.status_code == 422 and "không phải bảng tính" in response.content.decode()


def test_the_upload_and_the_preview_use_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    url = f"{URL}?to-chuc={world.commune.farmers.pk}"
    rows = [[i, f"Ý kiến {i}", "", "", "Thôn Trung" if i % 2 else "Xóm Lạ", ""] for i in range(1, 301)]
    # A small file is read in the upload itself: its rows are stored and checked 500 at a time, not one by one
    # (SQLite takes 142 stored rows an INSERT; one query a chunk finds the rows imported before).
    with django_assert_max_num_queries(22):
        response = client.post(url, {"file": SimpleUploadedFile("danh-sach.xlsx", xlsx(rows))})
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        preview = client.get(response.url)
    assert preview.status_code == 200 and "300</strong> hợp lệ" in preview.content.decode()
    with django_assert_max_num_queries(12):
        problems = client.get(response.url, {"xem": "loi", "trang": 2})
    assert "150 dòng có lỗi hoặc lưu ý" in problems.content.decode() and "Trang 2/2" in problems.content.decode()


def test_a_csv_with_more_than_10000_rows_is_refused(client, world):
    lines = ["Nội dung"] + [f"Ý kiến số {i}" for i in range(10_001)]
    client.force_login(world.rep)
    response = upload(client, "\n".join(lines).encode(), name="lon.csv")
    assert response.status_code == 422 and "hơn 10.000 dòng" in response.content.decode()


def test_content_longer_than_20000_characters_is_an_error():
    (row,) = parse(xlsx([[1, "a" * 20_001]])).rows
    assert not row.ok and "quá dài" in row.errors[0]


def test_10000_rows_are_imported_in_the_background_with_a_progress_bar(
    client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    rows = [
        [i, f"Ý kiến số {i}: đề nghị sửa đường thôn Trung đoạn {i}.", "", "", "Thôn Trung", "kiến nghị"]
        for i in range(1, 10_001)
    ]
    data = xlsx(rows)
    client.force_login(world.rep)
    assert len(data) > importing.SMALL_FILE  # not read in the request: the worker reads it
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = upload(client, data)
    html = uploaded.content.decode()
    assert uploaded.status_code == 200 and "Đang đọc tệp" in html and 'hx-trigger="every 2s"' in html
    assert "Tải lại trang để xem tiến độ" in html and not ImportRow.objects.exists()
    batch = PetitionImport.objects.get()
    (reading,) = DBTaskResult.objects.all()
    assert reading.args_kwargs["args"] == [batch.pk] and reading.task_path.endswith("read_petition_list")
    url = page_of(uploaded)
    started = time.perf_counter()
    read_petition_list.call(batch.pk)  # what the worker does with the queued task
    preview_seconds = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.status == "previewed" and not batch.file and ImportRow.objects.filter(batch=batch).count() == 10_001
    assert client.get(url, headers={"HX-Request": "true"})["HX-Redirect"] == url  # the poll moves on to the preview
    with django_assert_max_num_queries(12):
        preview = client.get(url)
    assert preview.status_code == 200 and "10000</strong> hợp lệ" in preview.content.decode()
    with django_assert_max_num_queries(12):
        assert "Ý kiến số 10000:" in client.get(url, {"trang": 100}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        queued = commit(client, preview)
    html = queued.content.decode()
    assert "Đang nhập 10000 ý kiến" in html and "<progress" in html and 'hx-trigger="every 2s"' in html
    assert Petition.objects.count() == 0 and PetitionImport.objects.get().status == "queued"
    with django_assert_max_num_queries(8):
        poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "<html" not in poll.content.decode() and "Đang chờ" in poll.content.decode()
    (queued_task,) = DBTaskResult.objects.exclude(pk=reading.pk)
    assert queued_task.args_kwargs["args"] == [batch.pk] and queued_task.task_path.endswith("import_petitions")
    started = time.perf_counter()
    import_petitions.call(batch.pk)  # what the worker does with the queued task (the worker closes connections)
    import_seconds = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.status == "done" and batch.rows_done == 10_000
    assert Petition.objects.filter(channel="org_batch", imported_in=batch).count() == 10_000
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Redirect"] == url
    with django_assert_max_num_queries(12):
        report = client.get(url, {"trang": 100})
    assert "Trang 100/100" in report.content.decode() and "Ý kiến số 10000" in report.content.decode()
    assert not ImportRow.objects.exists()  # imported: the stored rows are gone with the file
    print(f"\n10.000 dòng: đọc nền {preview_seconds:.1f} s, nhập nền {import_seconds:.1f} s")


def test_a_failing_row_rolls_back_the_whole_import(client, world, monkeypatch):
    from django.core.exceptions import ValidationError

    from doithoai.petitions import actions

    real = actions.submit_petition
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ValidationError({"content": ["hỏng"]})
        return real(*args, **kwargs)

    client.force_login(world.rep)
    preview = upload(client, xlsx(GOOD))
    monkeypatch.setattr(actions, "submit_petition", flaky)
    response = commit(client, preview)
    assert "Chưa nhập ý kiến nào: hỏng" in response.content.decode() and Petition.objects.count() == 0
    batch = PetitionImport.objects.get()
    assert batch.status == "failed" and not batch.file


def test_a_list_submitted_twice_at_once_is_imported_once(world):
    from doithoai.petitions import actions

    batch = actions.upload_import(world.commune.farmers, data=xlsx(GOOD), original_name="ds.xlsx", by=world.rep)
    copy = PetitionImport.objects.get(pk=batch.pk)  # a second request read the record before the first moved it
    actions.start_import(batch, skip_errors=False, by=world.rep)
    with pytest.raises(actions.ActionError, match="không nhập lần thứ hai"):
        actions.start_import(copy, skip_errors=False, by=world.rep)
    assert Petition.objects.count() == 3
    assert actions.run_import(batch.pk).status == "done" and Petition.objects.count() == 3  # a task run twice


# ---------------------------------------------------------------- who may import


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    for url in (URL, TEMPLATE_URL):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_an_agency_is_refused(client, world, user_with_role):
    client.force_login(user_with_role("agency", world.commune.unit, world.commune.economy))
    assert client.get(URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403


def test_an_org_rep_may_not_import_for_another_organisation(client, world):
    client.force_login(world.rep)
    assert client.get(URL, {"to-chuc": world.commune.front.pk}).status_code == 404
    assert client.get(URL, {"to-chuc": world.other.farmers.pk}).status_code == 404


def test_an_import_is_seen_only_by_those_acting_for_its_organisation(client, world, user_with_role):
    client.force_login(world.rep)
    preview = upload(client, xlsx(GOOD))
    url = page_of(preview)
    for outsider in (
        user_with_role("org_rep", world.commune.unit, world.commune.front),  # another organisation of the commune
        user_with_role("coordinator", world.other.unit),  # the coordinator of another commune
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    client.force_login(user_with_role("agency", world.commune.unit, world.commune.economy))
    assert client.get(url).status_code == 403
    assert Petition.objects.count() == 0
    # A colleague representing the same organisation, and the commune's coordinator, may finish it.
    client.force_login(user_with_role("org_rep", world.commune.unit, world.commune.farmers))
    assert client.get(url).status_code == 200
    client.force_login(world.coordinator)
    assert "Đã nhập <strong>3</strong> ý kiến" in commit(client, preview).content.decode()
    assert client.get("/can-bo/nhap-excel/999999/").status_code == 404


def test_the_coordinator_chooses_any_organisation_of_the_unit(client, world):
    client.force_login(world.coordinator)
    page = client.get(URL).content.decode()
    assert "Xin chọn tổ chức" in page and "Phòng Kinh tế" in page and "Ngọc Thiện" not in page
    assert client.get(URL, {"to-chuc": world.other.farmers.pk}).status_code == 404
    url = f"{URL}?to-chuc={world.commune.front.pk}"
    response = commit(client, upload(client, xlsx(GOOD[:1]), url=url), url=url)
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.submitter_organization == world.commune.front and petition.created_by == world.coordinator


def test_the_org_batch_page_links_to_the_import(client, world):
    client.force_login(world.rep)
    assert "Nhập từ Excel" in client.get("/can-bo/to-chuc/y-kien/").content.decode()


def test_the_file_is_deleted_once_read_and_abandoned_rows_after_a_day(client, world, settings):
    client.force_login(world.rep)
    abandoned = page_of(upload(client, xlsx(GOOD)))
    imports = settings.MEDIA_ROOT / "imports"
    assert list(imports.iterdir()) == [] and ImportRow.objects.count() == 4  # read once: only its rows are kept
    with time_machine.travel(dt.timedelta(hours=23), tick=False):
        client.force_login(world.rep)  # a new session: a staff session ends after two idle hours
        fresh = page_of(upload(client, xlsx(GOOD)))
    with time_machine.travel(dt.timedelta(days=1, minutes=1), tick=False):
        out = io.StringIO()
        call_command("sweep", "imports", stdout=out)
        assert json.loads(out.getvalue()) == {"imports": 1}
        assert ImportRow.objects.filter(batch__status="previewed").count() == 4 and ImportRow.objects.count() == 4
        client.force_login(world.rep)
        response = client.get(abandoned)
        assert "đã hủy và tệp đã xóa" in response.content.decode()
        assert client.post(abandoned, {}, follow=True).status_code == 200 and Petition.objects.count() == 0
        assert "Xem trước" in client.get(fresh).content.decode()
