"""Nhập từ Excel: an organisation's list of opinions uploaded as XLSX or CSV, previewed, then saved in one go.

Upload → the file is checked by importing.parse and kept under MEDIA_ROOT/imports/ with a random name; the
preview form carries a signed token naming that file, the organisation and the user (nothing is kept in a
process's memory). Commit → the file is parsed again and every valid row goes through actions.submit_petition
(channel org_batch) in ONE transaction; rows with errors are never saved.
"""

import datetime as dt
import secrets

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Unit
from doithoai.petitions import actions, importing
from doithoai.petitions.actions import ActionError
from doithoai.petitions.import_forms import ImportCommitForm, ImportUploadForm
from doithoai.petitions.models import Petition
from doithoai.petitions.views import _chosen_organization

Role = permissions.Role
TOKEN_SALT = "petitions.import"
TOKEN_MAX_AGE = 24 * 3600
PREVIEW_ROWS = 500  # rows shown on the preview page (every row is checked; problems are listed first)
TEMPLATE = "petitions/import.html"


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
    user = request.user
    organizations = _organizations(user)
    organization = _chosen_organization(request, organizations)
    context = {"organizations": organizations, "organization": organization, "stage": "upload"}
    if organization is None:
        return render(request, TEMPLATE, context)
    page = _ImportPage(request, organization, organizations)
    if request.method == "POST" and "token" in request.POST:
        return page.commit()
    if request.method == "POST":
        return page.upload()
    return page.render(ImportUploadForm())


def _forget_old_uploads() -> None:
    """Uploaded lists hold personal data: delete those whose token has expired (never imported, or abandoned)."""
    try:
        _, files = default_storage.listdir("imports")
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - dt.timedelta(seconds=TOKEN_MAX_AGE)
    for file in files:
        name = f"imports/{file}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):
            continue


class _ImportPage:
    def __init__(self, request: HttpRequest, organization: Organization, organizations: list[Organization]):
        self.request, self.organization, self.organizations = request, organization, organizations
        self.unit = Unit.objects.get(pk=organization.unit_id)
        self.villages = list(
            Organization.objects.filter(unit_id=self.unit.pk, kind=Organization.Kind.VILLAGE, is_active=True)
        )
        query = {"to-chuc": organization.pk} if len(organizations) > 1 else {}
        self.action = f"{reverse('petitions:import')}?{urlencode(query)}".rstrip("?")

    def render(self, upload_form=None, *, stage="upload", status=200, **extra) -> HttpResponse:
        context = {
            "organizations": self.organizations,
            "organization": self.organization,
            "stage": stage,
            "upload_form": upload_form or ImportUploadForm(),
            "action": self.action,
            "max_rows": importing.MAX_ROWS,
            **extra,
        }
        return render(self.request, TEMPLATE, context, status=status)

    # ------------------------------------------------------------ upload → preview

    def upload(self) -> HttpResponse:
        form = ImportUploadForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.render(form, status=422)
        data = form.cleaned_data["file"].read(importing.MAX_BYTES + 1)
        try:
            parsed = importing.parse(data, self.villages)
        except importing.ImportRefused as error:
            form.add_error("file", str(error))
            return self.render(form, status=422)
        _forget_old_uploads()
        extension = ".xlsx" if data.startswith(b"PK") else ".xls" if data.startswith(b"\xd0\xcf") else ".csv"
        name = default_storage.save(f"imports/{secrets.token_hex(16)}{extension}", ContentFile(data))
        token = signing.dumps({"f": name, "o": self.organization.pk, "u": self.request.user.pk}, salt=TOKEN_SALT)
        return self.preview(parsed, ImportCommitForm(initial={"token": token}))

    def preview(self, parsed: importing.Parsed, commit_form: ImportCommitForm, status=200) -> HttpResponse:
        problems = [r for r in parsed.rows if r.errors or r.warnings]
        shown = problems[:PREVIEW_ROWS]
        if len(shown) < PREVIEW_ROWS:
            seen = {r.line for r in shown}
            shown += [r for r in parsed.rows if r.line not in seen][: PREVIEW_ROWS - len(shown)]
            shown.sort(key=lambda r: r.line)
        return self.render(
            stage="preview", status=status, parsed=parsed, shown=shown, commit_form=commit_form,
            valid_count=len(parsed.valid), invalid_count=len(parsed.invalid), warning_count=len(problems),
            all_shown=len(shown) == len(parsed.rows),
        )  # fmt: skip

    # ------------------------------------------------------------ preview → saved

    def commit(self) -> HttpResponse:
        form = ImportCommitForm(self.request.POST)
        name = self._file_of(form)
        try:
            with default_storage.open(name, "rb") as stored:
                data = stored.read()
        except (FileNotFoundError, OSError):
            return self._gone()
        try:
            parsed = importing.parse(data, self.villages)
        except importing.ImportRefused as error:  # the same bytes were accepted a moment ago; refuse all the same
            return self.render(page_error=str(error), status=422)
        valid, invalid = parsed.valid, parsed.invalid
        message = ""
        if not valid:
            message = "Không có dòng hợp lệ nào để nhập. Xin sửa tệp rồi tải lên lại."
        elif invalid and not form.cleaned_data.get("skip_errors"):
            message = (
                f"Có {len(invalid)} dòng lỗi. Chọn “bỏ qua các dòng lỗi” để chỉ nhập {len(valid)} dòng hợp lệ, "
                "hoặc sửa tệp rồi tải lên lại."
            )
        if message:
            form.add_error(None, message)
            return self.preview(parsed, form, status=422)
        villages = {v.pk: v for v in self.villages}
        try:
            with transaction.atomic():
                created = [
                    actions.submit_petition(
                        self.unit,
                        channel=Petition.Channel.ORG_BATCH,
                        organization=self.organization,
                        village=villages.get(row.village_id),
                        by=self.request.user,
                        **row.submission(),
                    )  # fmt: skip
                    for row in valid
                ]
                transaction.on_commit(lambda: default_storage.delete(name))
        except ActionError as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:  # checked above; should the rules differ, nothing at all is saved
            form.add_error(None, "Chưa nhập ý kiến nào: " + "; ".join(error.messages))
            return self.preview(parsed, form, status=422)
        return self.render(
            stage="report", created=list(zip(valid, created, strict=True)), skipped=invalid, source=parsed.source
        )

    def _file_of(self, form: ImportCommitForm) -> str:
        """The stored file named by a valid token of this user for this organisation; anything else is a 404."""
        if not form.is_valid():
            raise Http404("token")
        try:
            payload = signing.loads(form.cleaned_data["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature as error:
            raise Http404("token") from error
        name = str(payload.get("f", ""))
        if payload.get("o") != self.organization.pk or payload.get("u") != self.request.user.pk:
            raise Http404("token")
        if not name.startswith("imports/") or ".." in name:
            raise Http404("token")
        return name

    def _gone(self) -> HttpResponse:
        return self.render(page_error="Tệp này đã được nhập hoặc đã hết hạn. Xin tải tệp lên lại.", status=410)
