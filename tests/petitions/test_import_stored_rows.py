"""A list is read once, by the worker (or at once when small), into stored rows, and its file deleted: every page
of the import reads those rows, never the file; the column choice checks them again; `doithoai sweep` deletes
what was never confirmed within a day."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from doithoai.accounts.models import Organization, RoleAssignment
from doithoai.petitions import actions, importing
from doithoai.petitions.models import ImportRow, Petition, PetitionImport
from doithoai.petitions.tasks import read_petition_list
from tests.factories import OrganizationFactory
from tests.petitions.test_import import GOOD, URL, xlsx

OTHER_LAYOUT = ["Người", "Số máy", "Việc cần làm"]


@pytest.fixture
def rep(commune, user_with_role, frozen_demo_now):
    OrganizationFactory(unit=commune.unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE)
    return user_with_role("org_rep", commune.unit, commune.farmers)


def uploaded(rep, data: bytes, name: str = "ds.xlsx") -> PetitionImport:
    organization = RoleAssignment.objects.get(user=rep).organization
    return actions.upload_import(organization, data=data, original_name=name, by=rep)


def long_list(rows: int) -> bytes:
    """A CSV larger than importing.SMALL_FILE: read by the worker, not in the upload request."""
    lines = "".join(
        f"Ý kiến số {i}: đề nghị sửa đường liên thôn đoạn qua xóm {i % 9}.,Lê Văn An,,Thôn Trung\n"
        for i in range(1, rows + 1)
    )
    return f"Nội dung,Họ và tên,Điện thoại,Thôn\n{lines}".encode()


def page(batch: PetitionImport) -> str:
    return f"/can-bo/nhap-excel/{batch.pk}/"


# ---------------------------------------------------------------- no page view reads a file


def test_no_page_of_an_import_reads_a_file(client, rep, monkeypatch, django_capture_on_commit_callbacks):
    previewed = uploaded(rep, xlsx(GOOD + [[4, "", "Ai đó", "12345"]]))
    other = uploaded(rep, xlsx([["An", "0912345678", "Mương bị bồi lấp."]], header=OTHER_LAYOUT))
    with django_capture_on_commit_callbacks(execute=True):
        waiting = uploaded(rep, long_list(3_000), "dai.csv")
    done = uploaded(rep, xlsx(GOOD[:1]))
    actions.start_import(done, skip_errors=False, by=rep)
    queued = uploaded(rep, xlsx(GOOD))
    PetitionImport.objects.filter(pk=queued.pk).update(status="queued")

    def never(*args, **kwargs):
        raise AssertionError("a page view read a file")

    import openpyxl
    import xlrd

    for module, name in (
        (importing, "open_table"),
        (importing, "check_file"),
        (importing, "_scan_part"),
        (openpyxl, "load_workbook"),
        (xlrd, "open_workbook"),
    ):
        monkeypatch.setattr(module, name, never)
    client.force_login(rep)
    pages = {
        page(previewed): "4</strong> dòng",
        f"{page(previewed)}?xem=loi": "Đang xem 2 dòng có lỗi hoặc lưu ý",
        f"{page(previewed)}?trang=9": "Thân Văn Cường",
        page(other): "Không nhận ra cột “Nội dung”",
        page(waiting): "đang chờ đến lượt đọc tệp",
        page(done): "Đã nhập <strong>1</strong> ý kiến",
        page(queued): "Đang chờ đến lượt nhập",
        URL: "Các lần tải lên gần đây",
    }
    for url, seen in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and seen in response.content.decode(), url
    poll = client.get(page(waiting), headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "<html" not in poll.content.decode()
    # Choosing columns and confirming read the stored rows too.
    chosen = client.post(page(other), {"header_line": "1", "content": "2", "name": "0", "phone": "1"}, follow=True)
    assert "1</strong> hợp lệ" in chosen.content.decode()
    client.post(page(other), {})
    assert Petition.objects.filter(imported_in=other).get().content == "Mương bị bồi lấp."


# ---------------------------------------------------------------- reading once, in the worker


def test_a_large_list_is_read_by_the_worker_once_and_its_file_deleted(
    client, rep, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(rep)
    data = long_list(6_000)
    assert len(data) > importing.SMALL_FILE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile("dai.csv", data)})
    batch = PetitionImport.objects.get()
    assert response.status_code == 302 and response.url == page(batch)
    assert batch.status == "uploaded" and batch.file and not ImportRow.objects.exists()  # nothing read in the request
    with django_assert_max_num_queries(8):
        waiting = client.get(page(batch))
    html = waiting.content.decode()
    assert "Đang đọc tệp" in html and 'hx-trigger="every 2s"' in html and "Tải lại trang để xem tiến độ" in html
    (task,) = DBTaskResult.objects.all()
    assert task.task_path.endswith("read_petition_list") and task.args_kwargs["args"] == [batch.pk]
    assert read_petition_list.call(batch.pk) == "previewed"
    batch.refresh_from_db()
    assert (batch.rows_total, batch.rows_valid, batch.source) == (6_000, 6_000, "CSV, mã UTF-8")
    assert not batch.file and list((settings.MEDIA_ROOT / "imports").iterdir()) == []
    stored = ImportRow.objects.filter(batch=batch)
    assert stored.count() == 6_001 and stored.get(line=2).cells[:2] == [
        "Ý kiến số 1: đề nghị sửa đường liên thôn đoạn qua xóm 1.",
        "Lê Văn An",
    ]
    assert read_petition_list.call(batch.pk) == "previewed" and stored.count() == 6_001  # delivered twice: read once
    assert client.get(page(batch), headers={"HX-Request": "true"})["HX-Redirect"] == page(batch)
    assert "6000</strong> hợp lệ" in client.get(page(batch)).content.decode()


def test_the_columns_are_chosen_again_from_the_stored_rows_once_the_file_is_gone(client, rep):
    rows = [["Nguyễn Văn An", "0912345678", "Mương thôn Trung bị bồi lấp."], ["", "", "Xin lắp đèn ngõ 3."]]
    batch = uploaded(rep, xlsx(rows, header=OTHER_LAYOUT))
    assert batch.status == "previewed" and not batch.file and batch.columns == {}
    client.force_login(rep)
    preview = client.post(page(batch), {"header_line": "1", "content": "2", "name": "0", "phone": "1"}, follow=True)
    assert "2</strong> hợp lệ" in preview.content.decode()
    again = client.post(page(batch), {"header_line": "0", "content": "2", "name": "0"}, follow=True)
    html = again.content.decode()
    assert "3</strong> dòng" in html and "Việc cần làm" in html  # the header row is now a row of opinions
    batch.refresh_from_db()
    assert (batch.rows_total, batch.rows_valid, batch.header_line) == (3, 3, 0)


def test_a_long_list_is_checked_again_by_the_worker_after_a_column_choice(
    client, rep, django_capture_on_commit_callbacks
):
    rows = [[f"Người {i}", "", f"Việc số {i} cần làm."] for i in range(1, actions.IMPORT_INLINE_ROWS + 50)]
    batch = uploaded(rep, xlsx(rows, header=OTHER_LAYOUT))
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(batch), {"header_line": "1", "content": "2", "name": "0"}, follow=True)
    assert "Đang kiểm tra các dòng" in response.content.decode()
    assert PetitionImport.objects.get(pk=batch.pk).status == "checking"
    (task,) = DBTaskResult.objects.all()
    assert task.task_path.endswith("read_petition_list")
    read_petition_list.call(batch.pk)
    assert f"{len(rows)}</strong> hợp lệ" in client.get(page(batch)).content.decode()


def test_a_row_that_became_invalid_since_the_preview_fails_the_import_unless_errors_are_skipped(rep):
    batch = uploaded(rep, xlsx(GOOD))
    ImportRow.objects.filter(batch=batch, line=3).update(cells=["2", "Nội dung", "", "12345"])  # as if edited since
    done = actions.start_import(batch, skip_errors=False, by=rep)
    assert done.status == "failed" and "Danh sách đã thay đổi" in done.error and not Petition.objects.exists()
    assert not ImportRow.objects.exists()  # failed: nothing of the list is kept


# ---------------------------------------------------------------- the sweep


def test_the_sweep_deletes_files_and_rows_of_imports_not_confirmed_within_a_day(
    rep, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        never_read = uploaded(rep, long_list(6_000), "dai.csv")  # the worker never came
    previewed = uploaded(rep, xlsx(GOOD))
    queued = uploaded(rep, xlsx(GOOD))
    PetitionImport.objects.filter(pk=queued.pk).update(status="queued")
    with time_machine.travel(dt.timedelta(hours=20), tick=False):
        fresh = uploaded(rep, xlsx(GOOD))
    assert [p.name for p in (settings.MEDIA_ROOT / "imports").iterdir()] == [never_read.file.name.split("/")[-1]]
    with time_machine.travel(dt.timedelta(days=1, minutes=1), tick=False):
        out = io.StringIO()
        call_command("sweep", "imports", stdout=out)
        assert json.loads(out.getvalue()) == {"imports": 2}
        again = io.StringIO()
        call_command("sweep", "imports", stdout=again)
        assert json.loads(again.getvalue()) == {"imports": 0}  # idempotent
    statuses = dict(PetitionImport.objects.values_list("pk", "status"))
    assert statuses == {never_read.pk: "expired", previewed.pk: "expired", queued.pk: "queued", fresh.pk: "previewed"}
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []
    assert set(ImportRow.objects.values_list("batch", flat=True)) == {queued.pk, fresh.pk}


def test_the_sweep_is_bounded_per_run_and_cleans_rows_an_interrupted_import_left(rep, monkeypatch):
    monkeypatch.setattr(actions, "IMPORT_SWEEP", 2)
    stale = [uploaded(rep, xlsx(GOOD)) for _ in range(3)]
    left = uploaded(rep, xlsx(GOOD))
    PetitionImport.objects.filter(pk=left.pk).update(status="failed")  # a crash after it failed, before clean-up
    with time_machine.travel(dt.timedelta(days=1, minutes=1), tick=False):
        counts = [actions.expire_imports() for _ in range(4)]
    assert counts == [3, 1, 0, 0]  # two stale imports and the leftover rows, then the third, then nothing
    assert set(PetitionImport.objects.filter(pk__in=[b.pk for b in stale]).values_list("status", flat=True)) == {
        "expired"
    }
    assert not ImportRow.objects.exists()


# ---------------------------------------------------------------- who may see an import being read


def test_an_import_being_read_is_seen_only_by_those_acting_for_its_organisation(
    client, rep, commune, other_commune, user_with_role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = uploaded(rep, long_list(6_000), "dai.csv")
    for outsider in (
        user_with_role("org_rep", commune.unit, commune.front),
        user_with_role("coordinator", other_commune.unit),
        user_with_role("org_rep", other_commune.unit, other_commune.farmers),
    ):
        client.force_login(outsider)
        assert client.get(page(batch)).status_code == 404
        assert client.get(page(batch), headers={"HX-Request": "true"}).status_code == 404
        assert client.post(page(batch), {"header_line": "1", "content": "0"}).status_code == 404
    client.force_login(user_with_role("agency", commune.unit, commune.economy))
    assert client.get(page(batch)).status_code == 403
    client.force_login(user_with_role("coordinator", commune.unit))
    assert "Đang đọc tệp" in client.get(page(batch)).content.decode()
    assert PetitionImport.objects.get().status == "uploaded"


def test_a_nearly_full_disk_refuses_the_list_in_vietnamese_and_keeps_nothing(rep, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(100 << 20, 99 << 20, 1 << 20))
    with pytest.raises(importing.ImportRefused, match="ổ đĩa sắp đầy"):
        uploaded(rep, long_list(5))
    assert not PetitionImport.objects.exists()
