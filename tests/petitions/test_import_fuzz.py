"""The import pages with hostile text (tests/fuzz leaves them to this file): in every field of the column choice and
of the confirmation, in the query, in the uploaded file's name and in its cells. The answer is never a 500; a
refusal is in Vietnamese and changes nothing; what was saved is never lost. Same cocktail, values and capped
Hypothesis profile as tests/fuzz."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from doithoai.accounts.models import RoleAssignment
from doithoai.petitions import actions
from doithoai.petitions.models import ImportRow, Petition, PetitionImport
from tests.fuzz import hostile
from tests.fuzz.conftest import PROFILE
from tests.petitions.test_import import GOOD, URL, xlsx


@pytest.fixture
def rep(commune, user_with_role, frozen_demo_now):
    return user_with_role("org_rep", commune.unit, commune.farmers)


def uploaded(rep, data: bytes) -> PetitionImport:
    organization = RoleAssignment.objects.get(user=rep).organization
    return actions.upload_import(organization, data=data, original_name="ds.xlsx", by=rep)


def answered(response) -> None:
    assert response.status_code < 500
    if response.status_code >= 400:
        hostile.assert_vietnamese_refusal(response)


def rolled_back(client, rep, post):
    """Run one post in a transaction undone after it, so every post starts from the same import."""
    with transaction.atomic():
        client.force_login(rep)
        response = post()
        answered(response)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("stage", ["columns", "preview"])
def test_hostile_text_in_the_column_choice_and_the_confirmation_never_gives_a_500(client, rep, stage):
    rows = [["Nguyễn Văn An", "0912345678", "Mương thôn Trung bị bồi lấp."], ["", "", "Xin lắp đèn ngõ 3."]]
    batch = uploaded(rep, xlsx(rows, header=["Người", "Số máy", "Việc cần làm"]) if stage == "columns" else xlsx(GOOD))
    page = f"/can-bo/nhap-excel/{batch.pk}/"
    client.force_login(rep)
    html = client.get(page).content.decode()
    forms = [f for f in hostile.forms_of(html) if f["method"] == "post" and f["action"] == page]
    assert forms, "the page shows no form posting to itself"
    stored = ImportRow.objects.filter(batch=batch).count()
    for form in forms:
        pairs = list(form["fields"])
        names = sorted({name for name, _ in pairs}) or ["truong-khong-co"]
        for name in names:
            rolled_back(
                client,
                rep,
                lambda n=name: hostile.post_form(client, page, hostile.replaced(pairs, n, hostile.COCKTAIL)),
            )
            rolled_back(
                client, rep, lambda n=name: hostile.post_form(client, page, hostile.replaced(pairs, n, hostile.LONG))
            )
        for value in hostile.EVERY_FIELD:
            rolled_back(client, rep, lambda v=value: hostile.post_form(client, page, [(n, v) for n in names]))
        rolled_back(client, rep, lambda: hostile.post_form(client, page, [*pairs, (hostile.COCKTAIL, "1")]))

        @settings(settings.get_profile(PROFILE))
        @given(name=st.sampled_from(names), value=hostile.HOSTILE, htmx=st.booleans())
        def any_value(name, value, htmx):
            rolled_back(
                client, rep, lambda: hostile.post_form(client, page, hostile.replaced(pairs, name, value), htmx=htmx)
            )

        any_value()
    assert ImportRow.objects.filter(batch=batch).count() == stored and not Petition.objects.exists()


@settings(settings.get_profile(PROFILE))
@given(xem=hostile.HOSTILE, trang=hostile.HOSTILE, org=hostile.HOSTILE)
def test_hostile_query_parameters_never_give_a_500(client, rep, xem, trang, org):
    batch = PetitionImport.objects.first() or uploaded(rep, xlsx(GOOD))
    client.force_login(rep)
    for url in (f"/can-bo/nhap-excel/{batch.pk}/", URL):
        query = "&".join(
            f"{hostile._encoded(k)}={hostile._encoded(v)}"
            for k, v in (("xem", xem), ("trang", trang), ("to-chuc", org))
        )
        answered(client.get(f"{url}?{query}"))


@settings(settings.get_profile(PROFILE))
@given(cells=st.lists(hostile.HOSTILE.filter(lambda v: len(v) < 50_000), min_size=1, max_size=4), name=hostile.any_text)
def test_hostile_text_in_the_cells_and_the_name_of_a_list_never_gives_a_500(client, rep, cells, name):
    quoted = ",".join('"' + value.replace('"', '""') + '"' for value in cells)
    data = f"Nội dung,Họ và tên,Ghi chú,Thôn\n{quoted}\nĐề nghị sửa đường.,An,,\n".encode("utf-8", "surrogatepass")
    client.force_login(rep)
    with transaction.atomic():
        response = client.post(URL, {"file": SimpleUploadedFile((name or "x") + ".csv", data)}, follow=True)
        answered(response)
        for batch in PetitionImport.objects.all():
            assert hostile.is_stored_clean(batch.original_name) and hostile.is_stored_clean(batch.source)
            answered(client.get(f"/can-bo/nhap-excel/{batch.pk}/"))
        transaction.set_rollback(True)
