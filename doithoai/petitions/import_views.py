"""Nhập từ Excel: an organisation's list of opinions uploaded as XLSX, XLS or CSV, previewed, then imported.

Upload → actions.upload_import checks the file's cheap bounds and keeps it on a PetitionImport record; the file
is read once (by the task worker, or at once when small) into stored rows and deleted. The page moves to that
record: the reading's progress, the preview of the stored rows (with the column choice when the layout is not
recognised), the confirmation, the progress of a long import run by the task worker, and the report. Every step
is an action in actions.py; the record (not a process's memory) carries the state, so any process can show it, a
page view never reads the file, and a list submitted twice is imported once.
"""

import io
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization
from doithoai.lib.forms import show_action_errors
from doithoai.petitions import actions, import_duplicates, importing
from doithoai.petitions.actions import ActionError
from doithoai.petitions.import_forms import ImportColumnsForm, ImportCommitForm, ImportUploadForm
from doithoai.petitions.models import ImportRow, PetitionImport
from doithoai.petitions.views import _chosen_organization
from doithoai.plans.models import Dialogue

Role = permissions.Role
PREVIEW_PAGE = 100  # rows per page of the preview (every row is checked; the counts cover them all)
REPORT_PAGE = 100
CONFIRM_LIMIT = 200  # duplicate rows listed with their "vẫn nhập" box (the rest are skipped: said on the page)
TEMPLATE = "petitions/import.html"
ROW_FIELDS = ("line", "cells", "formulas", "batch_id", "duplicate_of", "duplicate_line")
RECENT = 10


def _organizations(user) -> list[Organization]:
    """An org representative's own organisations; a coordinator's whole unit (bodies outside the commune apart)."""
    found = {o.pk: o for o in permissions.organizations_for(user, Role.ORG_REP)}
    units = permissions.units_with_role(user, Role.COORDINATOR)
    if units:
        others = (
            Organization.objects.filter(unit_id__in=units, is_active=True)
            .exclude(kind=Organization.Kind.HIGHER_AUTHORITY)
            .order_by("kind", "name")
        )
        for organization in others:
            found.setdefault(organization.pk, organization)
    if not found:
        raise PermissionDenied("organization.submit_petitions")
    return list(found.values())


def _open_dialogues(organization: Organization):
    return (
        Dialogue.objects.filter(unit_id=organization.unit_id)
        .exclude(kind=Dialogue.Kind.RECEPTION)
        .exclude(status__in=(Dialogue.Status.CONCLUDED, Dialogue.Status.CANCELLED))
        .order_by("tentative_month", "starts_at", "pk")
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """Tệp mẫu: the empty list to fill in Excel."""
    _organizations(request.user)
    response = HttpResponse(template_workbook(), content_type=importing.XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-y-kien.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    """Tải lên: choose the organisation, upload the file; the recent imports of that organisation below."""
    organizations = _organizations(request.user)
    organization = _chosen_organization(request, organizations)
    context = {"organizations": organizations, "organization": organization, "stage": "upload"}
    if organization is None:
        return render(request, TEMPLATE, context)
    dialogues = _open_dialogues(organization)
    form = ImportUploadForm(request.POST or None, request.FILES or None, dialogues=dialogues)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = actions.upload_import(
                    organization,
                    data=upload.read(importing.MAX_BYTES + 1),
                    original_name=upload.name,
                    by=request.user,
                    dialogue=form.cleaned_data["dialogue"],
                )
            except importing.ImportRefused as error:
                form.add_error("file", str(error))
            except ActionError as error:
                raise PermissionDenied(str(error)) from error
            else:
                return redirect("petitions:import_batch", pk=batch.pk)
        status = 422
    query = {"to-chuc": organization.pk} if len(organizations) > 1 else {}
    recent = (
        PetitionImport.objects.filter(organization=organization)
        .select_related("created_by__person")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    context.update(
        upload_form=form, action=f"{reverse('petitions:import')}?{urlencode(query)}".rstrip("?"), recent=recent
    )
    return render(request, TEMPLATE, context, status=status)


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One uploaded list: reading, preview and column choice, confirmation, progress, report (by its status).
    Every stage reads the record and its stored rows: no page view reads the file."""
    organizations = _organizations(request.user)
    batch = (
        PetitionImport.objects.select_related("organization", "dialogue", "created_by")
        .filter(pk=pk, organization__in=[o.pk for o in organizations])
        .first()
    )
    if batch is None:
        raise Http404("import")
    page = _BatchPage(request, batch, organizations)
    working = batch.is_being_read or batch.status in (PetitionImport.Status.QUEUED, PetitionImport.Status.RUNNING)
    if working:
        return page.progress() if request.method == "GET" else redirect(page.url)
    if request.htmx:  # the progress poll ends: load the whole page with what comes next
        response = HttpResponse(status=204)
        response["HX-Redirect"] = page.url
        return response
    if batch.status != PetitionImport.Status.PREVIEWED:
        return page.report() if request.method == "GET" else redirect(page.url)
    if request.method == "POST" and "header_line" in request.POST:
        return page.choose_columns()
    if request.method == "POST":
        return page.commit()
    return page.preview()


class _BatchPage:
    def __init__(self, request: HttpRequest, batch: PetitionImport, organizations: list[Organization]):
        self.request, self.batch, self.organizations = request, batch, organizations
        self.url = reverse("petitions:import_batch", args=[batch.pk])
        query = {"to-chuc": batch.organization_id} if len(organizations) > 1 else {}
        self.upload_url = f"{reverse('petitions:import')}?{urlencode(query)}".rstrip("?")

    def render(self, stage: str, status: int = 200, template: str = TEMPLATE, **extra) -> HttpResponse:
        context = {
            "organizations": self.organizations,
            "organization": self.batch.organization,
            "batch": self.batch,
            "stage": stage,
            "url": self.url,
            "action": self.upload_url,
            "max_rows": importing.MAX_ROWS,
            **extra,
        }
        return render(self.request, template, context, status=status)

    # ------------------------------------------------------------ preview, columns, confirmation

    def _columns_form(self, data=None) -> ImportColumnsForm:
        """The column choice, from the first stored rows (one query)."""
        first = self.batch.rows.order_by("line").values_list("line", "cells")[: importing.LAYOUT_ROWS]
        found = importing.find_layout(list(first), self.batch.source)
        return ImportColumnsForm(data, found=found, chosen=self.batch.columns, header_line=self.batch.header_line)

    def _duplicates(self) -> list[importing.Row]:
        """The first CONFIRM_LIMIT rows sent before, checked, with what each duplicates (one query; none when the
        check found no duplicate)."""
        if not self.batch.rows_duplicate:
            return []
        rows = import_duplicates.duplicate_rows(self.batch).only(*ROW_FIELDS)[:CONFIRM_LIMIT]
        return actions.checked_rows(self.batch, rows)

    def _commit_form(self, duplicates: list[importing.Row], data=None) -> ImportCommitForm:
        return ImportCommitForm(data, batch=self.batch, duplicate_lines=[row.line for row in duplicates])

    def preview(self, commit_form=None, columns_form=None, duplicates=None, status=200) -> HttpResponse:
        batch = self.batch
        if not batch.columns:
            return self.render("columns", status=status, columns_form=columns_form or self._columns_form())
        shown_only = self.request.GET.get("xem")
        rows = batch.rows.filter(state__gte=ImportRow.State.OK)
        if shown_only == "loi":
            rows = rows.filter(state__gte=ImportRow.State.WARNING)
        elif shown_only == "trung":
            rows = rows.filter(import_duplicates.DUPLICATE)
        else:
            shown_only = ""
        page = Paginator(rows.order_by("line").only(*ROW_FIELDS), PREVIEW_PAGE).get_page(self.request.GET.get("trang"))
        duplicates = self._duplicates() if duplicates is None else duplicates
        commit_form = commit_form or self._commit_form(duplicates)
        wording = commit_form.wording()
        return self.render(
            "preview",
            status=status,
            page=page,
            shown=actions.checked_rows(batch, page.object_list),
            shown_only=shown_only,
            query=f"xem={shown_only}" if shown_only else "",
            commit_form=commit_form,
            recognised=[label for field, label in importing.COLUMN_LABELS.items() if field in batch.columns],
            columns_form=columns_form or self._columns_form(),
            inline_rows=actions.IMPORT_INLINE_ROWS,
            duplicates=duplicates,
            unlisted=batch.rows_duplicate - len(duplicates),
            confirmed=set(commit_form.cleaned_data.get("confirm") or ()) if commit_form.is_bound else set(),
            same_file=import_duplicates.same_file(batch),
            commit_label=wording["label"],
            commit_script=json.dumps(wording["script"], ensure_ascii=False),
        )

    def choose_columns(self) -> HttpResponse:
        form = self._columns_form(self.request.POST)
        if form.is_valid():
            try:
                actions.choose_import_columns(
                    self.batch,
                    columns=form.columns(),
                    header_line=form.cleaned_data["header_line"],
                    by=self.request.user,
                )
            except ValidationError as error:
                show_action_errors(form, error)
            except ActionError:
                return redirect(self.url)  # the list moved on meanwhile: its page shows what became of it
            else:
                return redirect(self.url)
        if not self.batch.columns:
            return self.render("columns", status=422, columns_form=form)
        return self.preview(columns_form=form, status=422)

    def commit(self) -> HttpResponse:
        duplicates = self._duplicates()
        form = self._commit_form(duplicates, self.request.POST)
        if not form.is_valid():
            return self.preview(commit_form=form, duplicates=duplicates, status=422)
        try:
            actions.start_import(
                self.batch,
                skip_errors=form.cleaned_data["skip_errors"],
                confirmed=form.cleaned_data["confirm"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.preview(commit_form=form, duplicates=duplicates, status=422)
        except ActionError:
            pass  # submitted twice: the record's page shows what became of the first submission
        return redirect(self.url)

    # ------------------------------------------------------------ progress and report

    def progress(self) -> HttpResponse:
        if self.request.htmx:
            return self.render("progress", template=f"{TEMPLATE}#progress")
        return self.render("progress")

    def report(self) -> HttpResponse:
        petitions = self.batch.petitions.order_by("pk").only("pk", "code", "content", "imported_in")
        page = Paginator(petitions, REPORT_PAGE).get_page(self.request.GET.get("trang"))
        duplicates = sum(1 for row in self.batch.skipped if row.get("duplicate"))
        return self.render(
            "report", page=page, skipped_duplicates=duplicates, skipped_errors=len(self.batch.skipped) - duplicates
        )


# ------------------------------------------------------------ the template to fill

GUIDE = (
    "Hướng dẫn điền danh sách ý kiến, kiến nghị",
    "",
    "1. Mỗi dòng của trang “Ý kiến” là một ý kiến; chỉ cột “Nội dung ý kiến, kiến nghị” là bắt buộc.",
    "2. Họ và tên, điện thoại, thôn: ghi nếu người nêu đồng ý; có thể để trống.",
    "3. Điện thoại: 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84.",
    "4. Thôn, tổ dân phố: ghi đúng tên thôn của xã (ví dụ “Thôn Trung”); tên khác được giữ làm địa chỉ.",
    "5. Loại: góp ý, kiến nghị, phản ánh hoặc câu hỏi; để trống là kiến nghị.",
    "6. Khiếu nại, tố cáo không gửi theo danh sách này: xin hướng dẫn người dân gửi riêng theo quy định.",
    "7. Không dùng công thức; các dòng để trống được bỏ qua; tối đa 10.000 dòng mỗi tệp.",
    "8. Lưu tệp dưới dạng Excel (.xlsx) hoặc CSV UTF-8, rồi tải lên ở trang “Nhập từ Excel”.",
)


def template_workbook() -> bytes:
    """The downloadable template: every cell a string (data type "s"), never a formula."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Ý kiến"
    for column, (title, width) in enumerate(
        zip(importing.TEMPLATE_HEADERS, (6, 60, 25, 14, 20, 22, 25), strict=True), 1
    ):
        cell = sheet.cell(row=1, column=column)
        _string(cell, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    for line, text in enumerate(GUIDE, 1):
        _string(guide.cell(row=line, column=1), text)
    guide["A1"].font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _string(cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # openpyxl would make a formula of any text starting with "="
