"""What an imported list may cost is bounded (importing.MAX_…): a workbook is refused from its zip directory before
anything is expanded, and again while it is read when its headers lie; XLS and CSV files have the same bounds.
The workbooks here are written part by part, in memory, so each can be as large (or as odd) as a test needs while
staying small on disk."""

import io
import random
import signal
import struct
import time
import zipfile
from contextlib import contextmanager
from xml.sax.saxutils import escape

import pytest
import xlwt
from django.core.files.uploadedfile import SimpleUploadedFile

from doithoai.petitions import importing
from doithoai.petitions.models import ImportRow, PetitionImport
from tests.petitions.test_import import URL, read_table
from tests.petitions.test_import_xls import xls

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def package(sheets: list[str], strings: str | None = None, extra: dict | None = None, chart: bool = False) -> bytes:
    """An XLSX written part by part: the sheets' XML, the shared strings' XML, any other member."""
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>']
    entries, rels = [], []
    for i, _ in enumerate(sheets, 1):
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>')
        entries.append(f'<sheet name="Trang {i}" sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
    if strings is not None:
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    if chart:
        entries.append('<sheet name="Biểu đồ" sheetId="99" r:id="rIdC"/>')
        rels.append(f'<Relationship Id="rIdC" Type="{REL}/chartsheet" Target="chartsheets/sheet1.xml"/>')
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{"".join(overrides)}</Types>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{"".join(entries)}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE_REL}">{"".join(rels)}</Relationships>',
    }
    for i, sheet in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    if chart:
        parts["xl/chartsheets/sheet1.xml"] = f'<chartsheet xmlns="{MAIN}"/>'
    parts.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode() if isinstance(text, str) else text)
    return out.getvalue()


def sheet(*rows: str) -> str:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'


def row(line: int, *cells: str) -> str:
    return f'<row r="{line}">{"".join(cells)}</row>'


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def shared(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def strings(*values: str) -> str:
    return f'<sst xmlns="{MAIN}">{"".join(f"<si><t>{escape(v)}</t></si>" for v in values)}</sst>'


HEADER = row(1, text("A1", "STT"), text("B1", "Nội dung ý kiến"))


def opinions(count: int, start: int = 2) -> list[str]:
    return [
        row(i, text(f"A{i}", str(i - 1)), text(f"B{i}", f"Ý kiến số {i - 1}.")) for i in range(start, start + count)
    ]


@pytest.fixture
def rep(commune, user_with_role, frozen_demo_now):
    """A representative of Hội Nông dân, who may import its lists."""
    return user_with_role("org_rep", commune.unit, commune.farmers)


def refused(data: bytes) -> str:
    """The Vietnamese reason a file is refused, whether at the cheap check or while it is read."""
    with pytest.raises(importing.ImportRefused) as refusal:
        read_table(data)
    return str(refusal.value)


@contextmanager
def at_most(seconds: int):
    """Fail, instead of hanging the suite, if what runs inside never ends (the bombs this file defuses did)."""

    def fail(*args):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- XLSX: what the zip directory declares


def test_a_workbook_written_part_by_part_is_read_like_any_other():
    table = read_table(package([sheet(HEADER, *opinions(2), row(4, shared("B4", 0)))], strings("Chung.")))
    assert [cells for _, cells in table.rows] == [
        ["STT", "Nội dung ý kiến"],
        ["1", "Ý kiến số 1."],
        ["2", "Ý kiến số 2."],
        ["", "Chung."],
    ]


def test_a_shared_strings_bomb_is_refused_from_its_zip_directory_before_anything_is_expanded(
    client, rep, monkeypatch, settings
):
    bomb = package([sheet(HEADER, row(2, shared("B2", 0)))], strings(*["a" * 32_000] * 1_250))  # 40 MB of text
    assert len(bomb) < 200_000
    monkeypatch.setattr(importing, "_scan_part", lambda *a: pytest.fail("a part was expanded"))
    client.force_login(rep)
    started = time.perf_counter()
    response = client.post(URL, {"file": SimpleUploadedFile("bom.xlsx", bomb)})
    assert time.perf_counter() - started < 2
    html = response.content.decode()
    assert response.status_code == 422
    assert "Phần “xl/sharedStrings.xml” của tệp Excel giải nén ra 38 MB, quá giới hạn 32 MB" in html
    assert not PetitionImport.objects.exists() and not (settings.MEDIA_ROOT / "imports").exists()


def test_a_part_that_expands_far_more_than_a_list_compresses_is_refused():
    bomb = package([sheet(HEADER, row(2, shared("B2", 0)))], strings("a" * 3_000_000))  # 3 MB, under every size
    assert "nở ra gấp" in refused(bomb) and "bom giải nén" in refused(bomb)


def test_a_workbook_expanding_past_the_total_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_EXPANDED", 4 * 1024 * 1024)  # 64 MB of random bytes would slow the suite
    noise = random.Random(9)
    parts = {f"xl/media/image{i}.png": noise.randbytes(1_500_000) for i in range(3)}  # incompressible, like photos
    assert "Tệp Excel giải nén ra 4,3 MB, quá giới hạn 4 MB" in refused(package([sheet(HEADER)], extra=parts))


def test_a_workbook_of_too_many_parts_is_refused():
    parts = {f"xl/extra/part{i}.xml": "<a/>" for i in range(importing.MAX_PARTS)}
    assert "có hơn 500 thành phần" in refused(package([sheet(HEADER)], extra=parts))


def test_a_part_openpyxl_would_parse_whole_is_held_to_two_megabytes():
    styles = f"<styleSheet><!-- {random.Random(9).randbytes(1_300_000).hex()} --></styleSheet>"  # 2.5 MB
    assert "“xl/styles.xml” của tệp Excel giải nén ra 2,5 MB, quá giới hạn 2 MB" in refused(
        package([sheet(HEADER)], extra={"xl/styles.xml": styles})
    )


def test_a_zip_whose_headers_lie_is_stopped_while_it_is_read(client, rep, settings):
    honest = package([sheet(HEADER, row(2, shared("B2", 0)))], strings(*["a" * 32_000] * 1_250))
    lying = bytearray(honest)
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        infos = archive.infolist()
    for info in infos:  # every part claims at most 4 KB, in its local header and in the central directory
        struct.pack_into("<I", lying, info.header_offset + 22, min(info.file_size, 4_000))
    central = honest.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<I", honest, central + 16)[0]
    for info in infos:
        struct.pack_into("<I", lying, offset + 24, min(info.file_size, 4_000))
        offset += 46 + len(info.filename.encode()) + len(info.extra) + len(info.comment)
    checked = importing.check_file(bytes(lying))  # the directory looks harmless …
    assert checked.expanded < 30_000 and checked.small
    client.force_login(rep)
    response = client.post(URL, {"file": SimpleUploadedFile("doi-tra.xlsx", bytes(lying))})
    assert response.status_code == 422 and "bị hỏng" in response.content.decode()  # … reading stops at 4 KB
    assert not PetitionImport.objects.exists() and not ImportRow.objects.exists()
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []


# ---------------------------------------------------------------- XLSX: what is actually read


def test_a_sheet_of_more_than_500000_cells_is_refused():
    rows = [row(i, *(f'<c r="{c}{i}"/>' for c in "ABCDEFGHIJ")) for i in range(2, 50_003)]  # 500,010 cells
    data = package([sheet(HEADER, *rows)])
    assert len(data) < 2_000_000
    with at_most(20):
        assert "Tệp có hơn 500.000 ô" in refused(data)


def test_a_row_of_more_than_1024_cells_is_refused():
    wide = row(2, *(f'<c r="R2C{i}"><v>{i}</v></c>' for i in range(1_025)))
    assert "Dòng 2 của tệp có hơn 1.024 ô" in refused(package([sheet(HEADER, wide)]))


def test_a_value_far_below_the_list_is_refused_without_walking_every_line_to_it():
    far = row(1_048_576, text("B1048576", "x"))
    with at_most(5):
        message = refused(package([sheet(HEADER, *opinions(3), far)]))
    assert "Tệp có dữ liệu ở dòng 1048576; danh sách chỉ được dài đến dòng 50.000" in message


def test_empty_formatted_rows_far_below_the_list_are_not_read():
    blank = [f'<row r="{i}" ht="15" customHeight="1"/>' for i in range(5, 60_000)]
    table = read_table(package([sheet(HEADER, *opinions(3), *blank)]))
    assert [line for line, _ in table.rows] == [1, 2, 3, 4]


def test_a_sheet_of_more_than_10000_opinions_is_refused():
    message = refused(package([sheet(HEADER, *opinions(10_021))]))
    assert "Tệp có hơn 10.000 dòng ý kiến" in message


@pytest.mark.parametrize("where", ["shared", "inline"])
def test_a_cell_longer_than_excel_allows_is_refused(where):
    long = "Đề nghị " * 5_000  # 40,000 characters
    if where == "shared":
        data = package([sheet(HEADER, row(2, shared("B2", 0)))], strings(long))
    else:
        data = package([sheet(HEADER, row(2, text("B2", long)))])
    assert "dài hơn 32.767 ký tự, giới hạn của chính Excel cho một ô" in refused(data)


def test_one_long_shared_string_used_in_every_row_counts_each_time_it_is_read():
    cells = [row(i, shared(f"B{i}", 0)) for i in range(2, 400)]  # 398 × 30,000 characters: 11.9 million
    message = refused(package([sheet(HEADER, *cells)], strings("a" * 30_000)))
    assert "Tệp có hơn 10.000.000 ký tự chữ" in message


def test_a_doctype_is_refused():
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = package([entities + sheet(HEADER, row(2, '<c r="B2" t="inlineStr"><is><t>&b;</t></is></c>'))])
    assert "khai báo DTD" in refused(data)


def test_a_chart_sheet_is_refused():
    assert "trang biểu đồ" in refused(package([sheet(HEADER, *opinions(1))], chart=True))


# ---------------------------------------------------------------- XLS and CSV


def ssat_loop_xls() -> bytes:
    """A 7 KB .xls whose compound file reads the Workbook stream through a mini allocation table of zeros, so the
    chain goes 0 → 0 → 0 … (xlrd 2.0.2 follows it for ever, growing)."""
    data, sector = bytearray(xls([[1, "Đề nghị sửa đường."]])), 512
    first_new = (len(data) - 512) // sector
    sat = 512 + struct.unpack_from("<i", data, 76)[0] * sector
    struct.pack_into("<ii", data, sat + 4 * first_new, -2, -2)
    root = 512 + struct.unpack_from("<i", data, 48)[0] * sector
    struct.pack_into("<iI", data, root + 0x74, first_new, 64)
    struct.pack_into("<i", data, 56, 0x7FFFFFFF)
    struct.pack_into("<ii", data, 60, first_new + 1, 1)
    return bytes(data) + b"x" * sector + b"\x00" * sector


def test_an_xls_whose_compound_file_loops_is_refused_at_once(client, rep):
    data = ssat_loop_xls()
    assert len(data) < 10_000
    client.force_login(rep)
    with at_most(10):
        response = client.post(URL, {"file": SimpleUploadedFile("vong-lap.xls", data)})
    assert response.status_code == 422 and "Không mở được tệp Excel cũ (.xls): tệp bị hỏng" in response.content.decode()
    assert not PetitionImport.objects.exists()


def test_an_xls_cell_in_its_last_row_is_refused_without_padding_every_row():
    book = xlwt.Workbook(encoding="utf-8")
    book_sheet = book.add_sheet("Ý kiến")
    book_sheet.write(0, 0, "Nội dung")
    book_sheet.write(65_535, 255, "x")  # the last cell a BIFF8 sheet has (beyond the columns read, too)
    out = io.BytesIO()
    book.save(out)
    with at_most(10):
        assert "Tệp có dữ liệu ở dòng 65536" in refused(out.getvalue())


def test_an_xls_cell_longer_than_allowed_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_CELL_CHARS", 1_000)  # xlwt itself writes no cell over Excel's 32,767
    assert "Một ô (dòng 2) dài hơn 1.000 ký tự" in refused(xls([[1, "Đề nghị " * 200]]))


def test_an_xls_of_too_many_rows_or_cells_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 30)
    assert "Tệp có hơn 30 dòng ý kiến" in refused(xls([[i, f"Ý kiến {i}"] for i in range(60)]))
    monkeypatch.setattr(importing, "MAX_CELLS", 100)
    assert "Tệp có hơn 100 ô" in refused(xls([[i, f"Ý kiến {i}", "", "Thôn Trung"] for i in range(26)]))


def test_an_xls_of_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_TEXT_CHARS", 1_000)
    assert "Tệp có hơn 1.000 ký tự chữ" in refused(xls([[i, "Đề nghị sửa đường. " * 10] for i in range(10)]))


def test_a_csv_row_of_more_than_1024_columns_is_refused():
    assert "Dòng 2 của tệp có hơn 1.024 ô" in refused(("Nội dung\nÝ kiến" + ",x" * 1_100).encode())


def test_ten_megabytes_of_separators_are_refused_before_a_row_is_built():
    data = "Nội dung\n".encode() + b"," * (10 * 1024 * 1024 - 20)
    started = time.perf_counter()
    assert "Dòng 2 của tệp có hơn 1.024 ô" in refused(data)
    assert time.perf_counter() - started < 3


@pytest.mark.parametrize("length", [40_000, 200_000])  # the second passes csv's own limit (131,072)
def test_a_csv_cell_longer_than_excel_allows_is_refused(length):
    data = f'Nội dung,Họ và tên\n"{"Đề nghị " * (length // 8)}",Lan\n'.encode()
    assert "Một ô (dòng 2) dài hơn 32.767 ký tự" in refused(data)


def test_a_csv_of_too_many_cells_or_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_CELLS", 100)
    assert "Tệp có hơn 100 ô" in refused(("Nội dung,Tên,Thôn\n" + "Ý kiến,An,Trung\n" * 40).encode())
    monkeypatch.setattr(importing, "MAX_TEXT_CHARS", 500)
    assert "Tệp có hơn 500 ký tự chữ" in refused(("Nội dung\n" + "Đề nghị sửa đường thôn Trung.\n" * 30).encode())


def test_a_large_file_refused_by_the_worker_keeps_nothing_and_says_why(
    client, rep, settings, django_capture_on_commit_callbacks
):
    from doithoai.petitions.tasks import read_petition_list

    lines = "".join(f"Ý kiến số {i}: đề nghị sửa đường thôn Trung.\n" for i in range(6_000))
    data = f'Nội dung\n{lines}"{"x" * 40_000}"\n'.encode()
    assert len(data) > importing.SMALL_FILE  # passes the cheap check, read by the worker
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile("dai.csv", data)}, follow=True)
    assert "Đang đọc tệp" in response.content.decode()
    batch = PetitionImport.objects.get()
    read_petition_list.call(batch.pk)
    page = client.get(response.redirect_chain[-1][0]).content.decode()
    assert "Tệp không được nhận. Một ô (dòng 6002) dài hơn 32.767 ký tự" in page
    batch.refresh_from_db()
    assert batch.status == "failed" and not batch.file and not ImportRow.objects.exists()
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []
