"""Nhập từ Excel: an organisation's list of opinions uploaded as XLSX, XLS or CSV, previewed, then imported.

Upload → actions.upload_import keeps the file on a PetitionImport record and the page moves to that record:
its preview (with the column choice when the layout is not recognised), the confirmation, the progress of a
long import run by the task worker, and the report. Every step is an action in actions.py; the record (not a
process's memory) carries the state, so any process can show it and a list submitted twice is imported once.
"""

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
from doithoai.petitions import actions, importing
from doithoai.petitions.actions import ActionError
from doithoai.petitions.import_forms import ImportColumnsForm, ImportCommitForm, ImportUploadForm
from doithoai.petitions.models import PetitionImport
from doithoai.petitions.views import _chosen_organization
from doithoai.plans.models import Dialogue

Role = permissions.Role
PREVIEW_ROWS = 500  # rows shown on the preview page (every row is checked; problems are listed first)
REPORT_PAGE = 100
TEMPLATE = "petitions/import.html"
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
        .exclude(status=Dialogue.Status.CONCLUDED)
        .order_by("tentative_month", "starts_at", "pk")
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """Tệp mẫu: the empty list to fill in Excel."""
    _organizations(request.user)
    response = HttpResponse(importing.template_workbook(), content_type=importing.XLSX)
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
                    organization, data=upload.read(importing.MAX_BYTES + 1), original_name=upload.name,
                    by=request.user, dialogue=form.cleaned_data["dialogue"],
                )  # fmt: skip
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
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    context.update(
        upload_form=form, action=f"{reverse('petitions:import')}?{urlencode(query)}".rstrip("?"), recent=recent
    )
    return render(request, TEMPLATE, context, status=status)


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One uploaded list: preview and column choice, confirmation, progress, report (by its status)."""
    organizations = _organizations(request.user)
    batch = (
        PetitionImport.objects.select_related("organization", "dialogue", "created_by")
        .filter(pk=pk, organization__in=[o.pk for o in organizations])
        .first()
    )
    if batch is None:
        raise Http404("import")
    page = _BatchPage(request, batch, organizations)
    if batch.status == PetitionImport.Status.PREVIEWED:
        if request.method == "POST" and "header_line" in request.POST:
            return page.choose_columns()
        if request.method == "POST":
            return page.commit()
        return page.preview()
    if batch.status in (PetitionImport.Status.QUEUED, PetitionImport.Status.RUNNING):
        return page.progress()
    return page.report()


class _BatchPage:
    def __init__(self, request: HttpRequest, batch: PetitionImport, organizations: list[Organization]):
        self.request, self.batch, self.organizations = request, batch, organizations
        self.url = reverse("petitions:import_batch", args=[batch.pk])
        query = {"to-chuc": batch.organization_id} if len(organizations) > 1 else {}
        self.upload_url = f"{reverse('petitions:import')}?{urlencode(query)}".rstrip("?")

    def render(self, stage: str, status: int = 200, template: str = TEMPLATE, **extra) -> HttpResponse:
        context = {
            "organizations": self.organizations, "organization": self.batch.organization, "batch": self.batch,
            "stage": stage, "url": self.url, "action": self.upload_url, "max_rows": importing.MAX_ROWS, **extra,
        }  # fmt: skip
        return render(self.request, template, context, status=status)

    # ------------------------------------------------------------ preview, columns, confirmation

    def _layout(self) -> importing.Layout:
        with self.batch.file.open("rb") as stored:
            return importing.layout(stored.read())

    def _columns_form(self, data=None, found: importing.Layout | None = None) -> ImportColumnsForm:
        return ImportColumnsForm(
            data, found=found or self._layout(), chosen=self.batch.columns, header_line=self.batch.header_line
        )

    def preview(self, commit_form=None, columns_form=None, status=200) -> HttpResponse:
        try:
            if not self.batch.columns:
                return self.render("columns", status=status, columns_form=columns_form or self._columns_form())
            parsed = actions.parse_import(self.batch)  # the file is read once: the column choice uses its layout
            columns_form = columns_form or self._columns_form(found=parsed.layout)
        except (importing.ImportRefused, FileNotFoundError, OSError) as error:
            return self.render(
                "gone", status=410, page_error=str(error) if isinstance(error, importing.ImportRefused) else ""
            )
        problems = [r for r in parsed.rows if r.errors or r.warnings]
        shown = problems[:PREVIEW_ROWS]
        if len(shown) < PREVIEW_ROWS:
            seen = {r.line for r in shown}
            shown += [r for r in parsed.rows if r.line not in seen][: PREVIEW_ROWS - len(shown)]
            shown.sort(key=lambda r: r.line)
        return self.render(
            "preview", status=status, parsed=parsed, shown=shown, commit_form=commit_form or ImportCommitForm(),
            columns_form=columns_form, valid_count=len(parsed.valid), invalid_count=len(parsed.invalid),
            warning_count=len(problems), all_shown=len(shown) == len(parsed.rows),
            inline_rows=actions.IMPORT_INLINE_ROWS,
        )  # fmt: skip

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
            except ActionError as error:
                raise PermissionDenied(str(error)) from error
            else:
                return redirect(self.url)
        if not self.batch.columns:
            return self.render("columns", status=422, columns_form=form)
        return self.preview(columns_form=form, status=422)

    def commit(self) -> HttpResponse:
        form = ImportCommitForm(self.request.POST)
        form.is_valid()
        try:
            actions.start_import(
                self.batch, skip_errors=form.cleaned_data.get("skip_errors", False), by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.preview(commit_form=form, status=422)
        except importing.ImportRefused as error:
            return self.render("gone", status=410, page_error=str(error))
        except ActionError:
            pass  # submitted twice: the record's page shows what became of the first submission
        return redirect(self.url)

    # ------------------------------------------------------------ progress and report

    def progress(self) -> HttpResponse:
        if self.request.htmx:
            return self.render("progress", template=f"{TEMPLATE}#progress")
        return self.render("progress")

    def report(self) -> HttpResponse:
        if self.request.htmx:  # the progress poll ends: load the whole page with the report
            response = HttpResponse(status=204)
            response["HX-Redirect"] = self.url
            return response
        petitions = self.batch.petitions.order_by("pk").only("pk", "code", "content", "imported_in")
        page = Paginator(petitions, REPORT_PAGE).get_page(self.request.GET.get("trang"))
        return self.render("report", page=page)
