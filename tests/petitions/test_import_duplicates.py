"""The same list uploaded again (the same file, or rows already imported for the same organisation and dialogue)
is flagged in the preview and not imported twice unless the user confirms each duplicate row; the confirm
button says what it will do."""

import html
import importlib
import re
import time
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doithoai.accounts.models import Organization
from doithoai.lib import clock
from doithoai.petitions import actions, import_duplicates, importing
from doithoai.petitions.import_forms import commit_label
from doithoai.petitions.models import ImportRow, Petition, PetitionImport
from tests.factories import DialogueFactory, OrganizationFactory
from tests.petitions.test_import import GOOD, URL, commit, page_of, upload, xlsx


@pytest.fixture
def world(commune, user_with_role, frozen_demo_now):
    return SimpleNamespace(
        commune=commune,
        rep=user_with_role("org_rep", commune.unit, commune.farmers),
        coordinator=user_with_role("coordinator", commune.unit),
        village=OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE),
    )


def imported(client, data: bytes, **extra) -> list[Petition]:
    """Upload and confirm a list; the opinions it created."""
    response = commit(client, upload(client, data), **extra)
    assert "Đã nhập" in response.content.decode(), response.content.decode()
    return list(PetitionImport.objects.order_by("-pk").first().petitions.order_by("pk"))


def button(response) -> str:
    """The confirm button's wording as rendered."""
    found = re.search(
        r"<button type=\"submit\" class=\"button\" data-commit-button>(.*?)</button>", response.content.decode()
    )
    assert found, "no confirm button"
    return html.unescape(found.group(1))


def row_of(**fields) -> importing.Row:
    return importing.Row(line=2, **fields)


# ---------------------------------------------------------------- what "the same row" is


def test_the_same_row_is_the_same_person_and_content_for_the_same_organisation_and_dialogue():
    key = importing.row_key(row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name="Thân Văn Cường"), 7, 3)
    # Case, spacing, line breaks and a closing full stop do not make another opinion; nor do the phone, village,
    # kind or note, details a list sent again may have corrected.
    for same in (
        row_of(content="đề nghị  nạo vét kênh tưới\nthôn Trung", name="THÂN VĂN CƯỜNG"),
        row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name=" Thân Văn Cường", phone="0912345678"),
        row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name="Thân Văn Cường", kind="gop_y", note="Gấp"),
    ):
        assert importing.row_key(same, 7, 3) == key
    # A new opinion in similar words, another person, another dialogue or organisation is another row.
    for other, organization, dialogue in (
        (row_of(content="Đề nghị nạo vét kênh tưới thôn Đông.", name="Thân Văn Cường"), 7, 3),
        (row_of(content="Đề nghị nạo vét kênh tưới thôn Trung trước vụ mùa.", name="Thân Văn Cường"), 7, 3),
        (row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name="Thân Văn Cương"), 7, 3),
        (row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name=""), 7, 3),
        (row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name="Thân Văn Cường"), 7, None),
        (row_of(content="Đề nghị nạo vét kênh tưới thôn Trung.", name="Thân Văn Cường"), 8, 3),
        (row_of(content="De nghi nao vet kenh tuoi thon Trung.", name="Thân Văn Cường"), 7, 3),  # diacritics kept
    ):
        assert importing.row_key(other, organization, dialogue) != key


# ---------------------------------------------------------------- the preview flags, the import skips


def test_the_same_file_uploaded_again_is_flagged_and_nothing_is_imported_twice(client, world):
    client.force_login(world.rep)
    data = xlsx(GOOD)
    first = imported(client, data)
    again = upload(client, data, name="gui-lai.xlsx")
    page = again.content.decode()
    assert "Tệp này giống hệt tệp đã tải lên lúc" in page and "đã nhập 3 ý kiến" in page
    earlier = PetitionImport.objects.order_by("pk").first()
    assert f'href="/can-bo/nhap-excel/{earlier.pk}/"' in page
    assert "<strong>3</strong> dòng hợp lệ trùng với ý kiến đã gửi" in page
    for petition in first:  # each duplicate row names (and links) the opinion it duplicates
        assert f'<a class="code" href="/tra-cuu/{petition.code}/">{petition.code}</a> đã nhập' in page
    assert page.count('name="confirm"') == 3
    assert button(again) == "Nhập các dòng trùng đã đánh dấu “Vẫn nhập”"
    refused = commit(client, again)
    assert refused.status_code == 422 and "Mọi dòng hợp lệ đều trùng" in refused.content.decode()
    assert (
        Petition.objects.count() == 3
        and PetitionImport.objects.get(pk=page_of(again).split("/")[-2]).status == "previewed"
    )


def test_another_file_with_rows_already_imported_imports_only_the_new_rows(client, world):
    client.force_login(world.rep)
    first = imported(client, xlsx(GOOD))
    # Another file (a CSV, typed again): the same rows in other case and spacing, one phone added, and a new row.
    data = (
        "Nội dung,Họ và tên,Điện thoại\n"
        "đề nghị nạo vét kênh tưới thôn Trung  trước vụ xuân,THÂN VĂN CƯỜNG,0912345678\n"
        '"Giá phân bón tăng cao, đề nghị có chính sách hỗ trợ.",,0987654321\n'
        "Đề nghị lắp đèn đường ngõ 5 thôn Trung.,Lê Thị Hoa,\n"
    ).encode()
    preview = upload(client, data, name="ds.csv")
    page = preview.content.decode()
    assert "giống hệt" not in page  # not the same file: its rows are what is compared
    assert "<strong>2</strong> dòng hợp lệ trùng với ý kiến đã gửi" in page
    assert first[0].code in page and first[1].code in page and first[2].code not in page
    assert button(preview) == "Nhập 1 dòng không trùng và các dòng trùng đã đánh dấu “Vẫn nhập”"
    done = commit(client, preview)
    report = done.content.decode()
    assert "Đã nhập <strong>1</strong> ý kiến" in report and "không nhập lại <strong>2</strong> dòng trùng" in report
    assert f"Dòng 2: Trùng với ý kiến {first[0].code} đã nhập" in report
    assert Petition.objects.count() == 4
    assert Petition.objects.filter(content__startswith="Đề nghị lắp đèn đường").count() == 1


def test_a_confirmed_duplicate_is_imported(client, world):
    client.force_login(world.rep)
    imported(client, xlsx(GOOD))
    preview = upload(client, xlsx(GOOD + [[4, "Đề nghị sửa cống thôn Trung.", "", "", "", ""]]))
    done = commit(client, preview, confirm=["3"])
    report = done.content.decode()
    assert "Đã nhập <strong>2</strong> ý kiến, trong đó 1 dòng trùng đã xác nhận" in report
    assert "không nhập lại <strong>2</strong> dòng trùng" in report
    assert Petition.objects.filter(content="Giá phân bón tăng cao, đề nghị có chính sách hỗ trợ.").count() == 2
    assert Petition.objects.count() == 5


def test_an_unconfirmed_duplicate_is_not_imported_even_when_posted_directly(client, world):
    client.force_login(world.rep)
    imported(client, xlsx(GOOD))
    preview = upload(client, xlsx(GOOD + [[4, "Đề nghị sửa cống thôn Trung.", "", "", "", ""]]))
    # A line that is not one of the listed duplicates cannot be "confirmed" by a hand-made post.
    for tampered in (["5"], ["99"], ["x"]):
        response = commit(client, preview, confirm=tampered)
        assert response.status_code == 422 and "không có trong danh sách các dòng trùng" in response.content.decode()
    assert Petition.objects.count() == 3
    # The action itself skips an unconfirmed duplicate, whatever its caller sends.
    batch = PetitionImport.objects.get(status="previewed")
    done = actions.start_import(batch, skip_errors=True, confirmed=[5, 1, 99], by=world.rep)
    assert done.status == "done" and done.rows_done == 1 and done.confirmed == []
    assert [row["line"] for row in done.skipped if row.get("duplicate")] == [2, 3, 4]
    assert Petition.objects.count() == 4


def test_two_uploads_of_one_list_both_confirmed_import_it_once(world):
    data = xlsx(GOOD)
    one = actions.upload_import(world.commune.farmers, data=data, original_name="a.xlsx", by=world.rep)
    two = actions.upload_import(world.commune.farmers, data=data, original_name="b.xlsx", by=world.rep)
    assert one.rows_duplicate == two.rows_duplicate == 0  # neither was imported when both were checked
    assert import_duplicates.same_file(two) == one and import_duplicates.same_file(one) is None
    actions.start_import(one, skip_errors=False, by=world.rep)
    done = actions.start_import(two, skip_errors=False, by=world.rep)  # checked again as it is imported
    assert done.status == "done" and done.rows_done == 0 and len(done.skipped) == 3
    assert Petition.objects.count() == 3


def test_rows_repeated_within_one_file_are_flagged_against_the_first(client, world):
    client.force_login(world.rep)
    rows = GOOD + [[4, "Giá phân bón  tăng cao, đề nghị có chính sách hỗ trợ", "", "", "", ""]]
    preview = upload(client, xlsx(rows))
    page = preview.content.decode()
    assert "dòng 3 của tệp này" in page and page.count('name="confirm"') == 1
    assert 'value="5"' in page
    done = commit(client, preview)
    assert "Đã nhập <strong>3</strong> ý kiến" in done.content.decode() and Petition.objects.count() == 3
    preview = upload(client, xlsx([GOOD[0], GOOD[0]]))
    assert button(preview) == "Nhập các dòng trùng đã đánh dấu “Vẫn nhập”"  # both sent before
    assert "<strong>2</strong> dòng hợp lệ trùng" in preview.content.decode()


def test_a_near_but_different_row_is_not_flagged(client, world, user_with_role):
    client.force_login(world.rep)
    imported(client, xlsx(GOOD))
    rows = [
        [1, "Đề nghị nạo vét kênh tưới thôn Đông trước vụ xuân.", "Thân Văn Cường"],  # another place
        [2, "Đề nghị nạo vét kênh tưới thôn Trung trước vụ xuân.", "Nguyễn Văn Hải"],  # another person
        [3, "Giá phân bón tăng cao, đề nghị có chính sách hỗ trợ cho hộ nghèo.", ""],  # more said
    ]
    preview = upload(client, xlsx(rows, header=["STT", "Nội dung ý kiến", "Họ và tên"]))
    page = preview.content.decode()
    assert "dòng hợp lệ trùng" not in page and "<strong>Trùng</strong>" not in page and 'name="confirm"' not in page
    assert button(preview) == "Nhập 3 dòng hợp lệ"
    # The same rows sent by another organisation are its own opinions.
    client.force_login(world.coordinator)
    url = f"{URL}?to-chuc={world.commune.front.pk}"
    other = upload(client, xlsx(GOOD), url=url)
    assert "dòng hợp lệ trùng" not in other.content.decode() and button(other) == "Nhập 3 dòng hợp lệ"


def test_the_same_rows_for_another_dialogue_are_not_flagged(client, world):
    client.force_login(world.rep)
    data = xlsx(GOOD)
    imported(client, data)
    dialogue = DialogueFactory(unit=world.commune.unit)
    preview = upload(client, data, dialogue=str(dialogue.pk))
    page = preview.content.decode()
    assert "Tệp này giống hệt" in page  # the same file is said to be, though for another dialogue
    assert "dòng hợp lệ trùng" not in page and button(preview) == "Nhập 3 dòng hợp lệ"


def test_checking_10000_rows_against_the_imported_ones_stays_bounded(client, world, django_assert_max_num_queries):
    batch = actions.upload_import(world.commune.farmers, data=xlsx(GOOD), original_name="a.xlsx", by=world.rep)
    ImportRow.objects.filter(batch=batch).delete()
    rows = [ImportRow(batch=batch, line=1, cells=["Nội dung", "Họ và tên"])]
    rows += [
        ImportRow(batch=batch, line=i, cells=[f"Ý kiến số {i} về đường thôn Trung.", "Lê Văn An"])
        for i in range(2, 10_002)
    ]
    ImportRow.objects.bulk_create(rows)
    PetitionImport.objects.filter(pk=batch.pk).update(
        status="checking", header_line=1, columns={"content": 0, "name": 1}
    )
    # Half of the rows were imported before (from another file of the same organisation).
    keys = [
        importing.row_key(
            importing.Row(line=i, content=f"Ý kiến số {i} về đường thôn Trung.", name="Lê Văn An"),
            world.commune.farmers.pk,
            None,
        )
        for i in range(2, 10_002, 2)
    ]
    Petition.objects.bulk_create(
        Petition(unit=world.commune.unit, content="x", channel="org_batch", received_at=clock.now(), import_key=key)
        for key in keys
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(200):
        checked = actions.check_import(batch.pk)
    seconds = time.perf_counter() - started
    assert checked.status == "previewed" and checked.rows_valid == 10_000 and checked.rows_duplicate == 5_000
    lookups = [q["sql"] for q in queries.captured_queries if 'FROM "petitions_petition"' in q["sql"]]
    assert len(lookups) == 21  # one query for the keys of each 500 rows
    if connection.vendor == "sqlite":  # … through the index of the keys (PostgreSQL's planner may rightly prefer a
        # sequential scan of a 5,000-row test table: its choice depends on statistics, not on the query's shape)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + lookups[0])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "petition_import_key" in plan, plan
    client.force_login(world.rep)
    with django_assert_max_num_queries(14):
        preview = client.get(f"/can-bo/nhap-excel/{batch.pk}/")
    page = preview.content.decode()
    assert page.count('name="confirm"') == 200 and "Còn 4800 dòng trùng nữa" in page
    assert button(preview) == "Nhập 5000 dòng không trùng và các dòng trùng đã đánh dấu “Vẫn nhập”"
    with django_assert_max_num_queries(14):
        only = client.get(f"/can-bo/nhap-excel/{batch.pk}/", {"xem": "trung", "trang": 50})
    assert "Đang xem 5000 dòng trùng" in only.content.decode() and "Trang 50/50" in only.content.decode()
    print(f"\n10.000 dòng, 5.000 trùng: kiểm tra {seconds:.1f} s, {len(queries)} truy vấn")


# ---------------------------------------------------------------- the confirm button and the skip control


def test_the_skip_control_sits_with_its_label(client, world):
    client.force_login(world.rep)
    preview = upload(client, xlsx(GOOD + [[4, "Nội dung", "", "12345", "", ""]]))
    page = preview.content.decode()
    assert re.search(
        r'<div class="check-row"><input type="checkbox" name="skip_errors" id="id_skip_errors">'
        r'<label for="id_skip_errors">Bỏ qua 1 dòng lỗi: chỉ nhập các dòng hợp lệ \(các dòng lỗi không được lưu\)'
        r"</label></div>",
        page,
    )


def test_the_button_says_what_it_will_do(client, world):
    client.force_login(world.rep)
    imported(client, xlsx(GOOD[:1]))
    rows = GOOD + [[4, "Nội dung", "", "12345", "", ""], [5, "Đề nghị sửa cống thôn Trung.", "", "", "", ""]]
    preview = upload(client, xlsx(rows))
    # Before anything is posted the page cannot know what will be ticked: it says the rule.
    assert button(preview) == (
        "Nhập 3 dòng không trùng và các dòng trùng đã đánh dấu “Vẫn nhập” (cần chọn bỏ qua 1 dòng lỗi)"
    )
    # What a script needs to keep it true, with the same patterns.
    script = re.search(r'data-commit="([^"]*)"', preview.content.decode()).group(1)
    assert "&quot;fresh&quot;: 3" in script and "&quot;errors&quot;: 1" in script
    assert "Nhập {n} dòng, trong đó {c} dòng trùng đã xác nhận" in html.unescape(script)
    # Sent back with the choices made, it counts them.
    blocked = commit(client, preview, confirm=["2"])
    assert blocked.status_code == 422 and "Có 1 dòng lỗi" in blocked.content.decode()
    assert button(blocked) == "Nhập 4 dòng, trong đó 1 dòng trùng đã xác nhận (cần chọn bỏ qua 1 dòng lỗi)"
    assert 'value="2" id="xac-nhan-2" checked' in blocked.content.decode()
    assert Petition.objects.count() == 1


def test_without_duplicates_or_errors_the_button_counts_the_rows(client, world):
    client.force_login(world.rep)
    preview = upload(client, xlsx(GOOD))
    assert button(preview) == "Nhập 3 dòng hợp lệ" and "data-commit=" in preview.content.decode()
    assert "js/import.js" in preview.content.decode()


@pytest.mark.parametrize(
    ("fresh", "errors", "duplicates", "confirmed", "skip", "label"),
    [
        (37, 0, 0, None, None, "Nhập 37 dòng hợp lệ"),
        (37, 3, 0, None, None, "Nhập 37 dòng hợp lệ (cần chọn bỏ qua 3 dòng lỗi)"),
        (37, 3, 0, 0, True, "Nhập 37 dòng hợp lệ"),
        (38, 0, 2, 2, False, "Nhập 40 dòng, trong đó 2 dòng trùng đã xác nhận"),
        (38, 0, 2, None, None, "Nhập 38 dòng không trùng và các dòng trùng đã đánh dấu “Vẫn nhập”"),
        (0, 0, 5, 0, False, "Không có dòng nào để nhập"),
        (0, 2, 5, 0, False, "Không có dòng nào để nhập"),
        (0, 0, 5, 1, False, "Nhập 1 dòng, trong đó 1 dòng trùng đã xác nhận"),
    ],
)
def test_commit_label(fresh, errors, duplicates, confirmed, skip, label):
    assert commit_label(fresh, errors, duplicates, confirmed=confirmed, skip=skip) == label


# ---------------------------------------------------------------- lists imported before the key existed (0012)

backfill = importlib.import_module("doithoai.petitions.migrations.0012_backfill_import_keys")


@pytest.mark.parametrize(
    ("content", "name", "dialogue"),
    [
        ("Đề nghị nạo vét kênh tưới thôn Trung.", "Thân Văn Cường", 3),
        ("đề nghị  nạo vét kênh tưới\nthôn Trung", "", None),
        ("Khi nào đường liên thôn được sửa?;", "NGUYỄN THỊ LAN", 12),
        ("Cầu tràn ngập nước.\n\nGhi chú: người dân tự viết", "Lê Văn An", None),
    ],
)
def test_the_migrations_copy_of_the_key_is_the_imports_key(content, name, dialogue):
    """0012 carries its own copy of importing.row_key; if this fails, row_key has changed: keys already stored
    need a new migration computing them again (0012 must keep computing what it did)."""
    row = row_of(content=content, name=name, note="Gấp")
    assert backfill.row_key(7, dialogue, name, content) == importing.row_key(row, 7, dialogue)


def test_the_content_cell_is_the_stored_content_less_the_appended_note():
    row = row_of(content="Đề nghị sửa cống.", note="Cống bị vỡ từ tháng 5.\n\nGhi chú: đã báo thôn")
    stored = row.submission()["content"]
    assert backfill.row_content(stored, note_column=True) == "Đề nghị sửa cống."
    # Without a note column, a "Ghi chú:" paragraph is part of what the citizen wrote.
    assert backfill.row_content(stored, note_column=False) == stored


def test_a_list_imported_before_the_key_existed_is_flagged_once_the_keys_are_backfilled(client, world, monkeypatch):
    from django.apps import apps

    client.force_login(world.rep)
    dialogue = DialogueFactory(unit=world.commune.unit)
    rows = [[*GOOD[0], "Trước vụ xuân"], GOOD[1], GOOD[2]]  # the first row with a note (kept under its content)
    assert "Đã nhập" in commit(client, upload(client, xlsx(rows), dialogue=str(dialogue.pk))).content.decode()
    first = list(Petition.objects.order_by("pk"))
    assert {p.dialogue for p in first} == {dialogue} and first[0].content.endswith("\n\nGhi chú: Trước vụ xuân")
    expected = {p.pk: p.import_key for p in first}
    # As the database stood before 0011: no key on the opinions, no hash on their import.
    Petition.objects.update(import_key="")
    PetitionImport.objects.update(file_hash="")
    # An opinion typed into the organisation's form is not from a list: it gets no key.
    typed = actions.submit_petition(
        world.commune.unit,
        content=GOOD[1][1],
        channel="org_batch",
        organization=world.commune.farmers,
        dialogue=dialogue,
        by=world.rep,
    )
    # A list imported since 0011 keeps its key, whatever is run backwards.
    later = imported(client, xlsx([[1, "Đề nghị lắp đèn đường ngõ 5 thôn Trung.", "Lê Thị Hoa"]]))[0]
    assert later.import_key
    data = xlsx(rows)
    before = upload(client, data, name="gui-lai.xlsx", dialogue=str(dialogue.pk)).content.decode()
    assert "dòng hợp lệ trùng" not in before and "giống hệt" not in before  # the list sent again goes unnoticed

    monkeypatch.setattr(backfill, "BATCH", 2)  # three opinions to key: two batches
    backfill.backfill_import_keys(apps, None)
    keys = dict(Petition.objects.values_list("pk", "import_key"))
    assert {pk: keys[pk] for pk in expected} == expected  # the keys the import computes now
    assert keys[typed.pk] == "" and keys[later.pk] == later.import_key
    again = upload(client, data, name="gui-lai-lan-nua.xlsx", dialogue=str(dialogue.pk))
    page = again.content.decode()
    assert "<strong>3</strong> dòng hợp lệ trùng với ý kiến đã gửi" in page
    for petition in first:
        assert f'<a class="code" href="/tra-cuu/{petition.code}/">{petition.code}</a> đã nhập' in page
    assert button(again) == "Nhập các dòng trùng đã đánh dấu “Vẫn nhập”"
    # For another dialogue the same rows are other opinions, as for lists imported since.
    other = upload(client, data, name="buoi-khac.xlsx", dialogue=str(DialogueFactory(unit=world.commune.unit).pk))
    assert "dòng hợp lệ trùng" not in other.content.decode()

    backfill.backfill_import_keys(apps, None)  # run again (a migration resumed): nothing changes
    assert dict(Petition.objects.values_list("pk", "import_key")) == keys
    backfill.clear_import_keys(apps, None)  # backwards: the keys it wrote are emptied, not the others
    keys = dict(Petition.objects.values_list("pk", "import_key"))
    assert all(keys[pk] == "" for pk in expected) and keys[later.pk] == later.import_key
