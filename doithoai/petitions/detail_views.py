"""The staff detail page of one petition (/can-bo/y-kien/<pk>/): everything known about it, and one panel per
workflow action.

Thin: the petition is fetched through permissions.petitions_visible_to (a foreign id is a 404); each panel is
shown only when permissions.can allows the action and the status is one the action accepts (the same sets as
actions.py); each panel POSTs to its own URL, which parses one form and calls exactly one action. Every form
works without JavaScript; with htmx a panel swaps itself (hx-target="this"), and a success re-renders the page part.
"""

import dataclasses
import mimetypes
from collections.abc import Callable
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization
from doithoai.lib import clock
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.dates import local_format
from doithoai.petitions import actions
from doithoai.petitions import detail_forms as f
from doithoai.petitions.actions import ASSIGNABLE_KINDS, ActionError
from doithoai.petitions.models import (
    PUBLIC_STATUS_LABELS,
    Answer,
    Assignment,
    Attachment,
    ExtensionRequest,
    HistoryEntry,
    Petition,
    Topic,
)

S = Petition.Status
TEMPLATE = "petitions/detail.html"
IDENTITY_CONTEXT = "Trang chi tiết ý kiến"


# File types as staff read them (the stored type was detected from the content at upload).
FILE_TYPES = {
    "image/jpeg": "Ảnh JPEG",
    "image/png": "Ảnh PNG",
    "image/webp": "Ảnh WebP",
    "image/heic": "Ảnh HEIC",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (XLSX)",
}


# ---------------------------------------------------------------- the panels


@dataclasses.dataclass(frozen=True)
class Panel:
    """One action panel: who (permission), when (statuses the action accepts, and a further condition), how."""

    name: str
    permission: str
    statuses: tuple | None  # None: any status
    form: type
    run: Callable  # (petition, cleaned_data, user) -> None; calls exactly one action
    done: str  # the success message
    when: Callable = lambda page: True
    # How the panel looks (the one `panel` partial of petitions/detail.html frames them all):
    title: str = ""  # its heading; none for the summary, which sits inside the "Nội dung" box
    button: str = ""
    secondary: bool = False  # a quieter button, for the ways out of the usual course
    multipart: bool = False  # the form uploads a file

    @property
    def url_name(self) -> str:
        return f"petitions:{self.name}"


def _pending_extension_of(petition: Petition) -> ExtensionRequest:
    request = ExtensionRequest.objects.filter(
        assignment__petition=petition, assignment__is_current=True, status=ExtensionRequest.Status.REQUESTED
    ).first()
    if request is None:
        raise ActionError("Không có đề nghị gia hạn nào đang chờ quyết định.")
    return request


def _no_confidential(page) -> bool:
    return page.petition.kind not in CONFIDENTIAL_KINDS


def _at_started_dialogue(page) -> bool:
    return page.petition.dialogue_id is not None and page.petition.dialogue.has_started


PANELS = {
    p.name: p
    for p in (
        Panel(
            "summary",
            "petition.edit_summary",
            None,
            f.SummaryForm,
            lambda p, d, u: actions.edit_public_summary(p, d["public_summary"], by=u),
            "Đã lưu tóm tắt công khai.",
            _no_confidential,
            button="Lưu tóm tắt",
        ),
        Panel(
            "classify",
            "petition.classify",
            (S.RECEIVED, S.CLASSIFIED),
            f.ClassifyForm,
            lambda p, d, u: actions.classify(p, topic=d["topic"], kind=d["kind"], jurisdiction=d["jurisdiction"], by=u),
            "Đã phân loại ý kiến.",
            title="Phân loại",
            button="Lưu phân loại",
        ),
        Panel(
            "merge",
            "petition.merge",
            (S.RECEIVED, S.CLASSIFIED),
            f.MergeForm,
            lambda p, d, u: actions.merge(p, d["target"], by=u),
            "Đã gộp ý kiến vào ý kiến cùng nội dung.",
            lambda page: _no_confidential(page) and not page.children,
            title="Gộp vào ý kiến cùng nội dung",
            button="Gộp ý kiến",
            secondary=True,
        ),
        Panel(
            "decline",
            "petition.decline",
            (S.RECEIVED, S.CLASSIFIED),
            f.DeclineForm,
            lambda p, d, u: actions.decline(p, d["reason"], by=u),
            "Đã ghi không thụ lý.",
            title="Không thụ lý",
            button="Ghi không thụ lý",
            secondary=True,
        ),
        Panel(
            "legal",
            "petition.legal_track",
            (S.RECEIVED, S.CLASSIFIED),
            f.LegalTrackForm,
            lambda p, d, u: actions.send_to_legal_track(p, body=d["body"], document=d["document"], by=u),
            "Đã chuyển xử lý theo quy định.",
            lambda page: not _no_confidential(page),
            title="Chuyển xử lý theo quy định",
            button="Chuyển xử lý",
        ),
        Panel(
            "assign",
            "petition.assign",
            (S.CLASSIFIED, S.ASSIGNED),
            f.AssignForm,
            lambda p, d, u: actions.assign(
                p,
                d["lead"],
                coordinating=d["coordinating"],
                deadline=d["deadline"],
                instructions=d["instructions"],
                by=u,
            ),
            "Đã giao xử lý.",
            title="Giao xử lý",
            button="Giao xử lý",
        ),  # "Giao lại xử lý" once assigned
        Panel(
            "forward",
            "petition.forward",
            (S.CLASSIFIED, S.ASSIGNED),
            f.ForwardForm,
            lambda p, d, u: actions.forward(
                p,
                d["authority"],
                outgoing_number=d["outgoing_number"],
                outgoing_date=d["outgoing_date"],
                deadline=d["deadline"],
                by=u,
            ),
            "Đã chuyển cấp có thẩm quyền.",
            title="Chuyển cấp có thẩm quyền",
            button="Chuyển cấp trên",
            secondary=True,
        ),
        Panel(
            "higher_answer",
            "petition.record_answer",
            (S.FORWARDED,),
            f.HigherAnswerForm,
            lambda p, d, u: actions.record_answer(
                p,
                d["text"],
                document_number=d["document_number"],
                document_date=d["document_date"],
                document_file=d["document_file"],
                by=u,
            ),
            "Đã ghi trả lời của cấp trên; trả lời chờ duyệt.",
            lambda page: page.assignment is not None,
            title="Ghi trả lời của cấp trên",
            button="Ghi trả lời",
            multipart=True,
        ),
        Panel(
            "dialogue_answer",
            "petition.answer_at_dialogue",
            (S.CLASSIFIED,),
            f.DialogueAnswerForm,
            lambda p, d, u: actions.answer_at_dialogue(p, d["text"], organization=d["organization"], by=u),
            "Đã ghi trả lời tại hội nghị; trả lời chờ Thường trực duyệt.",
            lambda page: _at_started_dialogue(page) and _no_confidential(page),
            title="Trả lời tại hội nghị",
            button="Ghi trả lời",
        ),
        Panel(
            "approve",
            "petition.approve",
            (S.ANSWER_PENDING,),
            f.ApproveForm,
            lambda p, d, u: actions.approve_answer(p, public_text=d["public_text"], by=u),
            "Đã duyệt nội dung trả lời.",
            lambda page: page.answer is not None,
            title="Duyệt trả lời",
            button="Duyệt",
        ),
        Panel(
            "return_answer",
            "petition.return_answer",
            (S.ANSWER_PENDING,),
            f.ReturnAnswerForm,
            lambda p, d, u: actions.return_answer(p, d["reason"], by=u),
            "Đã trả lại trả lời kèm lý do; nơi trả lời được báo để trả lời lại.",
            lambda page: page.answer is not None,
            title="Trả lại để trả lời lại",
            button="Trả lại",
            secondary=True,
        ),
        Panel(
            "publish",
            "petition.publish",
            (S.ANSWERED, S.ANSWERED_AT_DIALOGUE),
            f.PublishForm,
            lambda p, d, u: actions.publish(p, by=u),
            "Đã công khai kết quả trả lời.",
            lambda page: _no_confidential(page) and page.answer is not None and page.answer.approved_at is not None,
            title="Công khai",
            button="Công khai",
        ),
        Panel(
            "close",
            "petition.close",
            (S.ANSWERED, S.ANSWERED_AT_DIALOGUE),
            f.CloseForm,
            lambda p, d, u: actions.close(p, d["reason"], by=u),
            "Đã kết thúc xử lý ý kiến.",
            title="Kết thúc không công khai",
            button="Kết thúc",
            secondary=True,
        ),
        Panel(
            "extension",
            "petition.decide_extension",
            (S.ASSIGNED, S.FORWARDED),
            f.ExtensionDecisionForm,
            lambda p, d, u: actions.decide_extension(
                _pending_extension_of(p), grant=d["decision"] == "grant", note=d["note"], by=u
            ),
            "Đã quyết định về đề nghị gia hạn.",
            lambda page: page.pending_extension is not None,
            title="Đề nghị gia hạn",
            button="Ghi quyết định",
        ),
    )
}


# ---------------------------------------------------------------- reading the petition


def _visible(user):
    return permissions.petitions_visible_to(user)


def _petition(user, pk: int) -> Petition:
    """The petition with everything the page shows, in a fixed number of queries (whatever its history)."""
    qs = (
        _visible(user)
        .select_related("unit", "topic__parent", "dialogue", "merged_into", "village", "created_by__person")
        .prefetch_related(
            "attachments",
            Prefetch("history", queryset=HistoryEntry.objects.order_by("at", "id")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("lead", "assigned_by__person").prefetch_related(
                    "coordinating",
                    Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("requested_by__person")),
                ),
            ),
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("organization", "answered_by__person", "approved_by__person"),
            ),
            Prefetch("merged_children", queryset=Petition.objects.only("pk", "code", "status", "merged_into_id")),
        )
    )
    return get_object_or_404(qs, pk=pk)


class _Page:
    """What the page needs, computed once from the prefetched petition."""

    def __init__(self, request: HttpRequest, petition: Petition):
        self.request, self.user, self.petition = request, request.user, petition
        assignments = list(petition.assignments.all())
        self.assignment = next((a for a in assignments if a.is_current), None)
        self.pending_extension = next(
            (
                e
                for e in (self.assignment.extensions.all() if self.assignment else ())
                if e.status == ExtensionRequest.Status.REQUESTED
            ),
            None,
        )
        self.earlier_assignments = [a for a in assignments if not a.is_current]
        answers = list(petition.answers.all())
        self.answer = next((a for a in answers if a.is_current), None)
        self.earlier_answers = [a for a in answers if not a.is_current]
        self.children = list(petition.merged_children.all())
        # The merged opinions this user may open are links, the others only their code (one query, when merged).
        related = [c.pk for c in self.children] + ([petition.merged_into_id] if petition.merged_into_id else [])
        self.openable = (
            set(permissions.petitions_visible_to(self.user).filter(pk__in=related).values_list("pk", flat=True))
            if related
            else set()
        )
        self.available = [
            name
            for name, panel in PANELS.items()
            if (panel.statuses is None or petition.status in panel.statuses)
            and panel.when(self)
            and permissions.can(self.user, panel.permission, petition)
        ]
        self.side_panels = [name for name in self.available if name != "summary"]
        self.dialogue_answer_later = self._dialogue_answer_later()
        self._orgs = None

    def _dialogue_answer_later(self) -> str:
        """Why "Trả lời tại hội nghị" is not offered yet, to whoever may record it ("" when it is, or never is)."""
        p = self.petition
        if (
            "dialogue_answer" in self.available
            or p.dialogue_id is None
            or p.kind in CONFIDENTIAL_KINDS
            or p.status not in (S.RECEIVED, S.CLASSIFIED)
            or not permissions.can(self.user, "petition.answer_at_dialogue", p)
        ):
            return ""
        if p.dialogue.status == p.dialogue.Status.CANCELLED:
            return "Buổi đối thoại đã bị hủy: không có trả lời tại hội nghị."
        if not p.dialogue.has_started:
            if p.dialogue.starts_at is None:
                return "Ghi được khi buổi đối thoại đã có ngày giờ và bắt đầu."
            start = local_format(p.dialogue.starts_at, "%H:%M ngày %d/%m/%Y")
            return f"Ghi được từ khi buổi đối thoại bắt đầu ({start})."
        return "Xin phân loại ý kiến (lĩnh vực, loại, thẩm quyền) trước khi ghi trả lời tại hội nghị."

    def orgs(self) -> list[Organization]:
        """The unit's organisations a petition can go to (one query, only when a panel needs them)."""
        if self._orgs is None:
            self._orgs = list(
                Organization.objects.filter(
                    unit_id=self.petition.unit_id,
                    is_active=True,
                    kind__in=[*ASSIGNABLE_KINDS, Organization.Kind.HIGHER_AUTHORITY],
                ).order_by("kind", "name")
            )
        return self._orgs

    def form_kwargs(self, name: str) -> dict:
        p = self.petition
        if name == "classify":
            topics = Topic.objects.filter(unit__isnull=True) | Topic.objects.filter(unit_id=p.unit_id)
            return {"topics": list(topics.order_by("position", "name"))}
        if name == "merge":
            return {"candidates": _visible(self.user).filter(unit_id=p.unit_id).exclude(pk=p.pk)}
        if name in ("assign", "dialogue_answer"):
            return {"orgs": [o for o in self.orgs() if o.kind in ASSIGNABLE_KINDS]}
        if name == "forward":
            return {"authorities": [o for o in self.orgs() if o.kind == Organization.Kind.HIGHER_AUTHORITY]}
        return {}

    def initial(self, name: str) -> dict:
        p = self.petition
        return {
            "summary": {"public_summary": p.public_summary},
            "classify": {"topic": str(p.topic_id or ""), "kind": p.kind, "jurisdiction": p.jurisdiction or "commune"},
            "assign": self._assign_initial(),
            "forward": {"outgoing_date": clock.today()},
            "approve": {"public_text": (self.answer.public_text or self.answer.text) if self.answer else ""},
        }.get(name, {})

    def _assign_initial(self) -> dict:
        """Giao lại xử lý starts from the current assignment: its lead and coordinating organisations."""
        current = self.assignment
        if current is None or current.lead.kind not in ASSIGNABLE_KINDS:
            return {"deadline": self.petition.deadline}
        return {
            "deadline": self.petition.deadline,
            "lead": str(current.lead_id),
            "coordinating": [str(o.pk) for o in current.coordinating.all()],
        }

    def form(self, name: str, data=None, files=None):
        return PANELS[name].form(data, files, initial=self.initial(name), prefix=name, **self.form_kwargs(name))

    def identity(self):
        """The identity shown at once (not for khiếu nại / tố cáo: those need the logged button)."""
        if self.petition.kind in CONFIDENTIAL_KINDS:
            return None
        return actions.view_identity(self.petition, self.user, context=IDENTITY_CONTEXT)

    def context(self, *, bound: dict | None = None, identity=None) -> dict:
        p = self.petition
        forms = {name: self.form(name) for name in self.available}
        forms.update(bound or {})
        # A refused panel stays on the page with its message even when the status no longer offers it.
        self.side_panels += [n for n in (bound or {}) if n not in self.available and n != "summary"]
        shown = p.merged_into if p.status == S.MERGED and p.merged_into_id else p
        may_see_identity = permissions.can_see_identity(self.user, p)
        internal = permissions.can_see_internal(self.user, p)
        history = [h for h in p.history.all() if internal or h.is_public]
        return {
            "petition": p,
            "page": self,
            "panels": PANELS,
            "panel_forms": forms,
            "public_label": PUBLIC_STATUS_LABELS.get(shown.status, shown.get_status_display()),
            "overdue": p.is_overdue,
            "confidential": p.kind in CONFIDENTIAL_KINDS,
            "identity": identity if identity is not None else (self.identity() if may_see_identity else None),
            "may_see_identity": may_see_identity,
            "internal": internal,
            "history": [(h, h.get_action_display()) for h in history],
            "status_labels": dict(S.choices),
            "file_types": FILE_TYPES,
        }


def _respond_page(request, petition, status=200, **kwargs) -> HttpResponse:
    page = _Page(request, petition)
    return render(request, TEMPLATE, page.context(**kwargs), status=status)


# ---------------------------------------------------------------- views


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Chi tiết ý kiến: the petition, its assignments, answers and timeline, and the actions the user may take."""
    return _respond_page(request, _petition(request.user, pk))


def _panel_view(name: str):
    panel = PANELS[name]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        petition = _petition(request.user, pk)
        if not permissions.can(request.user, panel.permission, petition):
            raise PermissionDenied(panel.permission)
        page = _Page(request, petition)
        form = page.form(name, request.POST, request.FILES)
        if form.is_valid():
            try:
                panel.run(petition, form.cleaned_data, request.user)
            except ActionError as error:
                form.add_error(None, str(error))
            else:
                return _done(request, pk, panel.done)
        if request.htmx:  # the panel with its errors (base.html's htmx-config swaps a 422)
            context = {**page.context(bound={name: form}), "panel_name": name}
            return render(request, f"{TEMPLATE}#panel", context, status=422)
        return render(request, TEMPLATE, page.context(bound={name: form}), status=422)

    view.__name__ = f"{name}_panel"
    return view


def _done(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    """After an action: the page again (a redirect, or for htmx the re-rendered page part), with the message."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("petitions:detail", pk=pk)
    petition = _petition(request.user, pk)  # a merged child or a closed case may look different now
    context = {**_Page(request, petition).context(), "done": message}
    response = render(request, f"{TEMPLATE}#detail-body", context)
    return reswap(retarget(response, "#y-kien-chi-tiet"), "outerHTML")


summary = _panel_view("summary")
classify = _panel_view("classify")
merge = _panel_view("merge")
decline = _panel_view("decline")
legal = _panel_view("legal")
assign = _panel_view("assign")
forward = _panel_view("forward")
higher_answer = _panel_view("higher_answer")
dialogue_answer = _panel_view("dialogue_answer")
approve = _panel_view("approve")
return_answer = _panel_view("return_answer")
publish = _panel_view("publish")
close = _panel_view("close")
extension = _panel_view("extension")


@login_required
@require_POST
def identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Xem thông tin người gửi: each view of a khiếu nại's or tố cáo's identity is logged (actions.view_identity)."""
    petition = _petition(request.user, pk)
    try:
        shown = actions.view_identity(petition, request.user, context=IDENTITY_CONTEXT)
    except ActionError as error:
        raise PermissionDenied(str(error)) from error
    if request.htmx:
        return render(
            request, f"{TEMPLATE}#identity", {"petition": petition, "identity": shown, "may_see_identity": True}
        )
    return _respond_page(request, petition, identity=shown)


def _download(field, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download, never rendered inline, never cached (it may hold personal data)."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("tệp") from error
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A petition's attachment, for those who may open the petition."""
    petition = get_object_or_404(_visible(request.user), pk=pk)
    if not permissions.can_see_internal(request.user, petition):
        raise Http404("tệp")
    item = get_object_or_404(Attachment, petition=petition, pk=attachment_id)
    return _download(item.file, item.original_name, item.content_type)


@login_required
def answer_document(request: HttpRequest, pk: int, answer_id: int) -> FileResponse:
    """The file of the document carrying an answer (văn bản trả lời), for those who may open the petition
    (the agencies on it included)."""
    petition = get_object_or_404(_visible(request.user), pk=pk)
    if not permissions.can_see_internal(request.user, petition):
        raise Http404("tệp")
    answer = get_object_or_404(Answer, petition=petition, pk=answer_id)
    if not answer.document_file:
        raise Http404("tệp")
    name = f"van-ban-tra-loi-{slugify(answer.document_number) or answer.pk}{Path(answer.document_file.name).suffix.lower()}"
    return _download(answer.document_file, name, mimetypes.guess_type(name)[0] or "application/octet-stream")
