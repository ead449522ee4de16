"""Every change of a petition's state (DESIGN.md §3): one function each, used alike by pages, the API and commands.

Each checks the actor's permission and the current state, writes the history entry in the same transaction,
and queues its notifications to be sent after commit. An illegal move raises ActionError (Vietnamese) and
changes nothing.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Unit
from doithoai.lib import clock
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.contact import normalise_email, normalise_phone
from doithoai.lib.dates import local_format
from doithoai.lib.text import fold, nfc, nfc_line
from doithoai.lib.uploads import check_upload, check_uploads, disk_has_room, store_after_commit
from doithoai.petitions import deadlines, history, import_duplicates, importing, notices
from doithoai.petitions.models import (
    ASSIGNMENT_IN_HAND,
    Answer,
    Assignment,
    Attachment,
    ExtensionRequest,
    IdentityView,
    ImportRow,
    Petition,
    PetitionImport,
    Topic,
    answer_document_path,
    attachment_path,
)

S = Petition.Status
K = Petition.Kind
ANONYMOUS_KINDS = (K.GOP_Y, K.KIEN_NGHI, K.PHAN_ANH, K.CAU_HOI)
MAX_CONTENT = 20_000
MERGED_NOTE = "Gộp với các ý kiến cùng nội dung để giải quyết chung"
PUBLIC_CHANNELS = (Petition.Channel.ONLINE, Petition.Channel.QR_AT_DIALOGUE)
DIALOGUE_CHANNELS = (
    Petition.Channel.QR_AT_DIALOGUE,
    Petition.Channel.SPOKEN_AT_DIALOGUE,
    Petition.Channel.WRITTEN_AT_DIALOGUE,
)
ASSIGNABLE_KINDS = (Organization.Kind.AGENCY, Organization.Kind.PARTY_BODY, Organization.Kind.MASS_ORG)
RETURN_REASON_MAX = 2000


class ActionError(Exception):
    """A move the workflow does not allow; the message is for the user, in Vietnamese."""


def _require(user, action: str, obj) -> None:
    try:
        permissions.require(user, action, obj)
    except PermissionDenied as error:
        raise ActionError("Bạn không có quyền thực hiện thao tác này.") from error


def _expect(petition: Petition, allowed, message: str) -> None:
    if petition.status not in allowed:
        raise ActionError(message % {"status": petition.get_status_display()})


def _move(petition: Petition, to: str, action: str, by, *, public: bool, note: str = "", **data) -> None:
    history.record(
        petition, action, actor=by, from_status=petition.status, to_status=to, public=public, note=note, **data
    )
    petition.status = to
    petition.save()


def _locked(petition: Petition) -> Petition:
    """Re-read the petition inside the transaction (row lock on PostgreSQL) so two clerks cannot both move it."""
    return Petition.objects.select_for_update().get(pk=petition.pk)


# ------------------------------------------------------------------ intake


@transaction.atomic
def submit_petition(
    unit: Unit,
    *,
    content: str,
    channel: str,
    kind: str = K.KIEN_NGHI,
    name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    village: Organization | None = None,
    organization: Organization | None = None,
    organization_name: str = "",
    anonymous: bool = False,
    dialogue=None,
    consent: bool = False,
    attachments=(),
    refused_attachments: int = 0,
    submission_key: str = "",
    import_key: str = "",
    by=None,
    received_at: dt.datetime | None = None,
) -> Petition:
    """Tiếp nhận: record an opinion from any channel; the only way a petition comes to exist. Files refused before
    (an upload allowance used up) are counted in `refused_attachments`, so the timeline says they were sent.
    A form's one-time `submission_key` already used gives back the petition it created, and creates nothing."""
    if submission_key and (first := _submitted_with(submission_key, unit)):
        return first
    errors: dict[str, list[str]] = {}
    content = _checked_content(content, channel, kind, errors)
    name, phone, email, address = _checked_contact(
        name, phone, email, address, kind=kind, channel=channel, anonymous=anonymous, consent=consent, errors=errors
    )
    _check_belongs(unit, village=village, organization=organization, dialogue=dialogue, channel=channel, errors=errors)
    try:
        uploads = check_uploads(attachments)
    except ValidationError as error:
        errors.setdefault("attachments", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    _require_intake(by, unit, channel, dialogue, organization)
    received_at = received_at or clock.now()
    petition, first = _create_once(
        unit=unit,
        content=content,
        search_key=fold(content),
        submitter_name=name,
        submitter_phone=phone,
        submitter_email=email,
        submitter_address=address,
        village=village,
        submitter_organization=organization,
        submitter_organization_name=nfc_line(organization_name or (organization.name if organization else ""))[:200],
        anonymous=anonymous,
        consent_at=received_at if consent and not anonymous else None,
        channel=channel,
        dialogue=dialogue,
        kind=kind,
        received_at=received_at,
        submission_key=submission_key,
        import_key=import_key,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        deadline=deadlines.deadline_for(unit, kind, "", timezone.localdate(received_at)),
    )
    if first is not None:
        return first
    _attach(petition, uploads, received_at)
    _record_receipt(petition, refused_attachments)
    notices.receipt(petition)
    return petition


def _checked_content(content: str, channel: str, kind: str, errors: dict) -> str:
    """The text (NFC), and whether the channel and kind are known."""
    content = nfc(content)
    if not content:
        errors.setdefault("content", []).append("Xin nhập nội dung ý kiến.")
    elif len(content) > MAX_CONTENT:
        errors.setdefault("content", []).append(f"Nội dung quá dài (tối đa {MAX_CONTENT:,} ký tự).".replace(",", "."))
    if channel not in Petition.Channel.values:
        errors.setdefault("channel", []).append("Kênh tiếp nhận không hợp lệ.")
    if kind not in K.values:
        errors.setdefault("kind", []).append("Loại ý kiến không hợp lệ.")
    return content


def _checked_contact(name, phone, email, address, *, kind, channel, anonymous, consent, errors) -> tuple[str, ...]:
    """The submitter's name, phone, e-mail and address as stored (none of them when anonymous): a khiếu nại or tố
    cáo is never anonymous and names its sender; who gives contact details online consents (Nghị định 13/2023)."""
    name, address = nfc_line(name)[:120], nfc_line(address)[:255]
    try:
        phone = normalise_phone(phone)
    except ValidationError as error:
        errors.setdefault("phone", []).extend(error.messages)
    try:
        email = normalise_email(email)
    except ValidationError as error:
        errors.setdefault("email", []).extend(error.messages)
    if anonymous and kind in CONFIDENTIAL_KINDS:
        errors.setdefault("anonymous", []).append(
            "Khiếu nại, tố cáo không được gửi ẩn danh; xin ghi rõ họ tên và địa chỉ theo quy định của pháp luật."
        )
    if kind in CONFIDENTIAL_KINDS and not anonymous and not name:
        errors.setdefault("name", []).append("Khiếu nại, tố cáo cần ghi rõ họ tên người gửi.")
    has_identity = bool(name or phone or email or address)
    if channel in PUBLIC_CHANNELS and has_identity and not anonymous and not consent:
        errors.setdefault("consent", []).append(
            "Xin đánh dấu đồng ý để cơ quan xử lý thông tin cá nhân của bạn (Nghị định 13/2023/NĐ-CP)."
        )
    return ("", "", "", "") if anonymous else (name, phone, email, address)


def _check_belongs(unit: Unit, *, village, organization, dialogue, channel: str, errors: dict) -> None:
    """The village, organisation and dialogue named are the unit's; what was said at a dialogue names it."""
    for label, org in (("village", village), ("organization", organization)):
        if org is not None and org.unit_id != unit.pk:
            errors.setdefault(label, []).append("Không thuộc đơn vị này.")
    if dialogue is not None and dialogue.unit_id != unit.pk:
        errors.setdefault("dialogue", []).append("Buổi đối thoại không thuộc đơn vị này.")
    if channel in DIALOGUE_CHANNELS and dialogue is None:
        errors.setdefault("dialogue", []).append("Xin chọn buổi đối thoại nơi ý kiến được nêu.")


def _attach(petition: Petition, uploads, at: dt.datetime) -> None:
    """The checked files, stored once the transaction commits."""
    for upload in uploads:
        attachment = Attachment(
            petition=petition,
            original_name=upload.original_name,
            content_type=upload.content_type,
            extension=upload.extension,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_at=at,
        )
        attachment.file.name = attachment_path(attachment, upload.original_name)
        attachment.save()
        store_after_commit(attachment, "file", upload.file)


def _record_receipt(petition: Petition, refused_attachments: int) -> None:
    refused = (
        f" ({refused_attachments} tệp đính kèm không được lưu: vượt giới hạn dung lượng)" if refused_attachments else ""
    )
    history.record(
        petition,
        "receive",
        actor=petition.created_by,
        actor_label="" if petition.created_by else "Người gửi",
        to_status=S.RECEIVED,
        public=True,
        at=petition.received_at,
        note=f"Tiếp nhận qua kênh: {petition.get_channel_display()}{refused}",
    )


def _create_once(**fields) -> tuple[Petition | None, Petition | None]:
    """(the new petition, None), or (None, the first petition) when the same form was posted at the same instant and
    the other post committed first (the unique submission key refuses the second)."""
    if not fields["submission_key"]:
        return Petition.objects.create(**fields), None
    try:
        with transaction.atomic():
            return Petition.objects.create(**fields), None
    except IntegrityError:
        first = _submitted_with(fields["submission_key"], fields["unit"])
        if first is None:
            raise
        return None, first


def _submitted_with(submission_key: str, unit: Unit) -> Petition | None:
    """The petition a form's one-time key created, if any (of this unit: a key is never a way into another's)."""
    return Petition.objects.filter(submission_key=submission_key, unit=unit).first()


def _require_intake(by, unit: Unit, channel: str, dialogue, organization) -> None:
    """Who may record on which channel: anyone online or by QR (staff too, as citizens); staff the rest."""
    if channel in PUBLIC_CHANNELS:
        return
    if not getattr(by, "is_authenticated", False):
        raise ActionError("Kênh tiếp nhận này chỉ dành cho cán bộ.")
    if channel == Petition.Channel.ORG_BATCH:
        if organization is None:
            raise ActionError("Xin chọn tổ chức gửi danh sách ý kiến.")
        _require(by, "organization.submit_petitions", organization)
    elif dialogue is not None:
        _require(by, "dialogue.enter_petition", dialogue)
    else:
        _require(by, "petition.enter", unit)


# ------------------------------------------------------------------ classification


@transaction.atomic
def classify(petition: Petition, *, topic: Topic, kind: str, jurisdiction: str, by, public_summary: str | None = None):
    """Phân loại: set topic, kind and jurisdiction; a change of kind to khiếu nại / tố cáo takes effect at once."""
    petition = _locked(petition)
    _require(by, "petition.classify", petition)
    _expect(petition, (S.RECEIVED, S.CLASSIFIED), "Không thể phân loại ý kiến đang ở trạng thái “%(status)s”.")
    if topic.unit_id not in (None, petition.unit_id):
        raise ActionError("Lĩnh vực không thuộc đơn vị này.")
    if kind not in K.values or jurisdiction not in Petition.Jurisdiction.values:
        raise ActionError("Loại hoặc thẩm quyền không hợp lệ.")
    if kind in CONFIDENTIAL_KINDS and petition.merged_children.exists():
        raise ActionError(
            "Ý kiến này đang gộp các ý kiến khác; tách chúng ra trước khi chuyển thành khiếu nại, tố cáo."
        )
    old_kind = petition.kind
    petition.topic, petition.kind, petition.jurisdiction = topic, kind, jurisdiction
    if kind in CONFIDENTIAL_KINDS:
        petition.is_public = False
        petition.public_summary = ""
        petition.refresh_public_search_key()
    elif public_summary is not None:
        petition.public_summary = nfc(public_summary)
    if kind != old_kind or petition.status == S.RECEIVED:
        petition.deadline = deadlines.deadline_for(
            petition.unit, kind, jurisdiction, timezone.localdate(petition.received_at)
        )
    note = f"Lĩnh vực: {topic.name}; loại: {petition.get_kind_display()}; {petition.get_jurisdiction_display().lower()}"
    _move(
        petition,
        S.CLASSIFIED,
        "classify",
        by,
        public=kind not in CONFIDENTIAL_KINDS,
        note=note,
        kind_before=old_kind,
        kind_after=kind,
    )
    return petition


@transaction.atomic
def edit_public_summary(petition: Petition, summary: str, *, by) -> Petition:
    """The public summary (tóm tắt công khai) staff write beside the original text."""
    petition = _locked(petition)
    _require(by, "petition.edit_summary", petition)
    if petition.kind in CONFIDENTIAL_KINDS:
        raise ActionError("Khiếu nại, tố cáo không bao giờ được công khai.")
    petition.public_summary = nfc(summary)[:2000]
    current = petition.answers.filter(is_current=True, published_at__isnull=False).first()
    petition.refresh_public_search_key(current.public_text if current else "")
    petition.save(update_fields=["public_summary", "public_search_key", "updated_at"])
    history.record(petition, "edit_summary", actor=by, note="Sửa tóm tắt công khai")
    return petition


@transaction.atomic
def merge(child: Petition, parent: Petition, *, by) -> Petition:
    """Gộp: a petition raising the same concern joins a parent that keeps every submitter."""
    child, parent = _locked(child), _locked(parent)
    _require(by, "petition.merge", child)
    if child.pk == parent.pk:
        raise ActionError("Không thể gộp một ý kiến vào chính nó.")
    if child.unit_id != parent.unit_id:
        raise ActionError("Chỉ gộp được các ý kiến của cùng một đơn vị.")
    if child.kind in CONFIDENTIAL_KINDS or parent.kind in CONFIDENTIAL_KINDS:
        raise ActionError("Khiếu nại, tố cáo không bao giờ được gộp với ý kiến khác.")
    _expect(child, (S.RECEIVED, S.CLASSIFIED), "Không thể gộp ý kiến đang ở trạng thái “%(status)s”.")
    if parent.status in (S.MERGED, S.DECLINED, S.LEGAL_TRACK):
        raise ActionError("Ý kiến được chọn để gộp vào không còn xử lý; xin chọn ý kiến khác.")
    if child.merged_children.exists():
        raise ActionError("Ý kiến này đang có ý kiến khác gộp vào; xin gộp cả nhóm vào ý kiến chính.")
    child.merged_into = parent
    child.is_public = False
    # The public note never names the parent: its code is its own submitter's key to their case.
    _move(child, S.MERGED, "merge", by, public=True, note=MERGED_NOTE, parent=parent.code)
    count = parent.merged_children.count() + 1
    history.record(parent, "merge_in", actor=by, note=f"{count} ý kiến cùng nội dung (thêm {child.code})")
    return child


@transaction.atomic
def decline(petition: Petition, reason: str, *, by) -> Petition:
    """Không thụ lý, with the reason shown to the submitter."""
    petition = _locked(petition)
    _require(by, "petition.decline", petition)
    _expect(petition, (S.RECEIVED, S.CLASSIFIED), "Không thể từ chối thụ lý ý kiến đang ở trạng thái “%(status)s”.")
    reason = nfc(reason)
    if not reason:
        raise ActionError("Xin ghi lý do không thụ lý.")
    petition.decline_reason = reason[:2000]
    _move(petition, S.DECLINED, "decline", by, public=True, note=reason[:2000])
    notices.status_changed(petition)
    return petition


@transaction.atomic
def send_to_legal_track(petition: Petition, *, body: str, document: str = "", by) -> Petition:
    """Chuyển xử lý theo quy định: a khiếu nại or tố cáo handed to its legal procedure and competent body."""
    petition = _locked(petition)
    _require(by, "petition.legal_track", petition)
    if petition.kind not in CONFIDENTIAL_KINDS:
        raise ActionError("Chỉ khiếu nại, tố cáo mới chuyển xử lý theo thủ tục riêng.")
    _expect(petition, (S.RECEIVED, S.CLASSIFIED), "Không thể chuyển ý kiến đang ở trạng thái “%(status)s”.")
    body = nfc_line(body)
    if not body:
        raise ActionError("Xin ghi cơ quan có thẩm quyền giải quyết.")
    law = "Luật Tố cáo" if petition.kind == K.TO_CAO else "Luật Khiếu nại"
    note = f"Chuyển {body} xử lý theo {law}" + (f" (văn bản số {nfc_line(document)})" if document else "")
    _move(petition, S.LEGAL_TRACK, "legal_track", by, public=True, note=note)
    notices.status_changed(petition)
    return petition


# ------------------------------------------------------------------ assignment and forwarding


def _refuse_legal_kinds(petition: Petition) -> None:
    if petition.kind in CONFIDENTIAL_KINDS:
        raise ActionError("Khiếu nại, tố cáo được chuyển xử lý theo thủ tục riêng (“Chuyển xử lý theo quy định”).")


def _end_current_assignment(petition: Petition) -> None:
    petition.assignments.filter(is_current=True).update(is_current=False)


@transaction.atomic
def assign(
    petition: Petition,
    lead: Organization,
    *,
    coordinating=(),
    deadline: dt.date | None = None,
    instructions: str = "",
    by,
) -> Assignment:
    """Giao xử lý: hand a petition to a lead organisation of the commune, with coordinating ones."""
    petition = _locked(petition)
    _require(by, "petition.assign", petition)
    _refuse_legal_kinds(petition)
    _expect(petition, (S.CLASSIFIED, S.ASSIGNED), "Không thể giao xử lý ý kiến đang ở trạng thái “%(status)s”.")
    if lead.unit_id != petition.unit_id or lead.kind not in ASSIGNABLE_KINDS:
        raise ActionError(
            "Cơ quan chủ trì phải là cơ quan, tổ chức của xã (cấp trên thì dùng “Chuyển cấp có thẩm quyền”)."
        )
    coordinating = [o for o in coordinating if o.pk != lead.pk]
    if any(o.unit_id != petition.unit_id for o in coordinating):
        raise ActionError("Cơ quan phối hợp phải thuộc đơn vị này.")
    today = clock.today()
    if deadline is None:
        # The deadline already computed, unless it has passed (a case reopened long ago): then a fresh one from today,
        # by the unit's rules, as a first assignment gets.
        kept = petition.deadline if petition.deadline and petition.deadline >= today else None
        deadline = kept or deadlines.deadline_for(petition.unit, petition.kind, "commune", today)
    if deadline < today:
        raise ActionError("Hạn xử lý không được trước ngày hôm nay.")
    _end_current_assignment(petition)
    assignment = Assignment.objects.create(
        petition=petition,
        lead=lead,
        assigned_by=by,
        assigned_at=clock.now(),
        deadline=deadline,
        instructions=nfc(instructions)[:4000],
    )
    assignment.coordinating.set(coordinating)
    petition.deadline = deadline
    petition.jurisdiction = Petition.Jurisdiction.COMMUNE
    names = ", ".join(o.name for o in coordinating)
    note = f"Giao {lead.name} chủ trì" + (f", phối hợp: {names}" if names else "") + f"; hạn {deadline:%d/%m/%Y}"
    _move(petition, S.ASSIGNED, "assign", by, public=True, note=note, lead=lead.name)
    notices.assigned(assignment)
    return assignment


@transaction.atomic
def forward(
    petition: Petition,
    authority: Organization,
    *,
    outgoing_number: str,
    outgoing_date: dt.date,
    deadline: dt.date | None = None,
    by,
) -> Assignment:
    """Chuyển cấp có thẩm quyền: send to a higher authority with the outgoing document's number and date."""
    petition = _locked(petition)
    _require(by, "petition.forward", petition)
    _refuse_legal_kinds(petition)
    _expect(petition, (S.CLASSIFIED, S.ASSIGNED), "Không thể chuyển ý kiến đang ở trạng thái “%(status)s”.")
    if authority.kind != Organization.Kind.HIGHER_AUTHORITY or authority.unit_id != petition.unit_id:
        raise ActionError("Xin chọn một cơ quan cấp có thẩm quyền trong danh mục của xã.")
    outgoing_number = nfc_line(outgoing_number)[:40]
    if not outgoing_number or not outgoing_date:
        raise ActionError("Xin ghi số và ngày của công văn chuyển.")
    if outgoing_date > clock.today():
        raise ActionError("Ngày công văn chuyển không được sau ngày hôm nay.")
    deadline = deadline or deadlines.deadline_for(petition.unit, petition.kind, "higher", outgoing_date)
    _end_current_assignment(petition)
    assignment = Assignment.objects.create(
        petition=petition,
        lead=authority,
        assigned_by=by,
        assigned_at=clock.now(),
        deadline=deadline,
        outgoing_number=outgoing_number,
        outgoing_date=outgoing_date,
    )
    petition.deadline = deadline
    petition.jurisdiction = Petition.Jurisdiction.HIGHER
    note = f"Chuyển {authority.name} (Công văn số {outgoing_number} ngày {outgoing_date:%d/%m/%Y})"
    _move(petition, S.FORWARDED, "forward", by, public=True, note=note, authority=authority.name)
    notices.status_changed(petition)
    return assignment


def _current_assignment(petition: Petition) -> Assignment:
    assignment = petition.assignments.filter(is_current=True).select_related("lead").first()
    if assignment is None:
        raise ActionError("Ý kiến này chưa được giao cho cơ quan nào.")
    return assignment


@transaction.atomic
def accept_assignment(assignment: Assignment, *, by) -> Assignment:
    """Nhận xử lý: the lead agency takes the assignment on."""
    petition = _locked(assignment.petition)
    assignment.refresh_from_db()
    _require(by, "petition.accept_assignment", petition)
    if not assignment.is_current or assignment.status != Assignment.Status.ASSIGNED:
        raise ActionError("Chỉ nhận được việc vừa được giao và chưa nhận.")
    assignment.status = Assignment.Status.ACCEPTED
    assignment.save(update_fields=["status"])
    history.record(petition, "accept", actor=by, note=f"{assignment.lead.name} nhận xử lý")
    return assignment


@transaction.atomic
def return_assignment(assignment: Assignment, reason: str, *, by) -> Assignment:
    """Trả lại: the agency says it is not theirs; the petition goes back to the coordinator."""
    petition = _locked(assignment.petition)
    assignment.refresh_from_db()
    _require(by, "petition.return_assignment", petition)
    if not assignment.is_current or assignment.status not in ASSIGNMENT_IN_HAND:
        raise ActionError("Không thể trả lại việc này.")
    reason = nfc(reason)
    if not reason:
        raise ActionError("Xin ghi lý do trả lại.")
    assignment.status, assignment.returned_reason, assignment.is_current = (
        Assignment.Status.RETURNED,
        reason[:2000],
        False,
    )
    assignment.save(update_fields=["status", "returned_reason", "is_current"])
    _move(petition, S.CLASSIFIED, "return", by, public=False, note=f"{assignment.lead.name} trả lại: {reason[:500]}")
    notices.returned(assignment)
    return assignment


@transaction.atomic
def request_extension(assignment: Assignment, *, new_deadline: dt.date, reason: str, by) -> ExtensionRequest:
    """Xin gia hạn: the lead agency asks for more time."""
    petition = _locked(assignment.petition)
    assignment.refresh_from_db()
    _require(by, "petition.request_extension", petition)
    if not assignment.is_current or assignment.status not in ASSIGNMENT_IN_HAND:
        raise ActionError("Chỉ xin gia hạn được cho việc đang xử lý.")
    if assignment.extensions.filter(status=ExtensionRequest.Status.REQUESTED).exists():
        raise ActionError("Đã có một đề nghị gia hạn đang chờ quyết định.")
    if assignment.deadline and new_deadline <= assignment.deadline:
        raise ActionError("Hạn mới phải sau hạn hiện tại.")
    reason = nfc(reason)
    if not reason:
        raise ActionError("Xin ghi lý do xin gia hạn.")
    request = ExtensionRequest.objects.create(
        assignment=assignment,
        requested_by=by,
        requested_at=clock.now(),
        requested_deadline=new_deadline,
        reason=reason[:2000],
    )
    history.record(
        petition, "extension_requested", actor=by, note=f"Xin gia hạn đến {new_deadline:%d/%m/%Y}: {reason[:300]}"
    )
    notices.extension_requested(request)
    return request


@transaction.atomic
def decide_extension(request: ExtensionRequest, *, grant: bool, note: str = "", by) -> ExtensionRequest:
    """Gia hạn hoặc không: the coordinator decides; a granted deadline moves the assignment and the petition."""
    assignment = request.assignment
    petition = _locked(assignment.petition)
    request.refresh_from_db()
    assignment.refresh_from_db()
    _require(by, "petition.decide_extension", petition)
    if request.status != ExtensionRequest.Status.REQUESTED:
        raise ActionError("Đề nghị gia hạn này đã được quyết định.")
    if not assignment.is_current or assignment.status not in ASSIGNMENT_IN_HAND:
        raise ActionError("Việc này không còn ở cơ quan xin gia hạn.")
    request.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_note = by, clock.now(), nfc(note)[:2000]
    request.save()
    if grant:
        assignment.deadline = request.requested_deadline
        assignment.save(update_fields=["deadline"])
        petition.deadline = request.requested_deadline
        petition.save(update_fields=["deadline", "updated_at"])
    action = "extension_granted" if grant else "extension_refused"
    text = f"Gia hạn đến {request.requested_deadline:%d/%m/%Y}" if grant else "Không đồng ý gia hạn"
    history.record(
        petition, action, actor=by, note=text + (f": {request.decision_note}" if request.decision_note else "")
    )
    notices.extension_decided(request)
    return request


# ------------------------------------------------------------------ answers


def _current_answer(petition: Petition) -> Answer | None:
    return petition.answers.filter(is_current=True).first()


def _retire_current_answer(petition: Petition) -> None:
    petition.answers.filter(is_current=True).update(is_current=False)


@transaction.atomic
def answer_at_dialogue(petition: Petition, text: str, *, by, organization: Organization | None = None) -> Answer:
    """Trả lời tại hội nghị: the answer the chair (or an agency leader he names) gave in the hall, recorded once the
    dialogue has started, on a classified opinion; like any answer it awaits the chair's approval (duyệt) and is
    public only once published (công khai)."""
    petition = _locked(petition)
    _require(by, "petition.answer_at_dialogue", petition)
    if petition.dialogue_id is None:
        raise ActionError("Ý kiến này không được nêu tại một buổi đối thoại.")
    if petition.kind in CONFIDENTIAL_KINDS:
        raise ActionError("Khiếu nại, tố cáo được chuyển xử lý theo thủ tục riêng, không trả lời tại hội nghị.")
    dialogue = petition.dialogue
    if dialogue.status == dialogue.Status.CANCELLED:
        raise ActionError("Buổi đối thoại đã bị hủy: không có trả lời tại hội nghị.")
    if not dialogue.has_started:
        when = "chưa có ngày giờ bắt đầu"
        if dialogue.starts_at:
            when = f"chưa bắt đầu (bắt đầu lúc {local_format(dialogue.starts_at, '%H:%M ngày %d/%m/%Y')})"
        raise ActionError(f"Buổi đối thoại {when}: chỉ ghi trả lời tại hội nghị từ khi buổi bắt đầu.")
    if petition.status == S.RECEIVED:
        raise ActionError("Xin phân loại ý kiến (lĩnh vực, loại, thẩm quyền) trước khi ghi trả lời tại hội nghị.")
    _expect(petition, (S.CLASSIFIED,), "Không thể ghi trả lời cho ý kiến đang ở trạng thái “%(status)s”.")
    if organization is not None and organization.unit_id != petition.unit_id:
        raise ActionError("Cơ quan trả lời phải thuộc đơn vị này.")
    text = nfc(text)
    if not text:
        raise ActionError("Xin ghi nội dung trả lời.")
    _retire_current_answer(petition)
    answer = Answer.objects.create(
        petition=petition,
        text=text,
        source=Answer.Source.CHAIR,
        at_dialogue=True,
        organization=organization,
        answered_by=by,
        answered_at=clock.now(),
    )
    who = organization.name if organization else "Chủ trì hội nghị"
    _move(petition, S.ANSWER_PENDING, "answer_at_dialogue", by, public=False, note=f"{who} trả lời tại hội nghị")
    notices.answer_pending(petition)
    return answer


@transaction.atomic
def record_answer(
    petition: Petition,
    text: str,
    *,
    document_number: str = "",
    document_date: dt.date | None = None,
    document_file=None,
    by,
) -> Answer:
    """Ghi trả lời: the lead agency's (or the higher authority's) answer, awaiting the chair's approval."""
    petition = _locked(petition)
    _require(by, "petition.record_answer", petition)
    _expect(petition, (S.ASSIGNED, S.FORWARDED), "Không thể ghi trả lời cho ý kiến đang ở trạng thái “%(status)s”.")
    assignment = _current_assignment(petition)
    text = nfc(text)
    if not text:
        raise ActionError("Xin ghi nội dung trả lời.")
    if document_date and document_date > clock.today():
        raise ActionError("Ngày văn bản trả lời không được sau ngày hôm nay.")
    if bool(document_number) != bool(document_date):
        raise ActionError("Văn bản trả lời cần có cả số và ngày.")
    checked_document = None
    if document_file is not None:
        try:
            checked_document = check_upload(document_file)
        except ValidationError as error:
            raise ActionError(" ".join(error.messages)) from error
    _retire_current_answer(petition)
    higher = assignment.lead.kind == Organization.Kind.HIGHER_AUTHORITY
    answer = Answer(
        petition=petition,
        assignment=assignment,
        text=text,
        source=Answer.Source.HIGHER_AUTHORITY if higher else Answer.Source.AGENCY,
        organization=assignment.lead,
        answered_by=by,
        answered_at=clock.now(),
        document_number=nfc_line(document_number)[:40],
        document_date=document_date,
    )
    if document_file is not None:
        answer.document_file.name = answer_document_path(checked_document)
    answer.save()
    if document_file is not None:
        store_after_commit(answer, "document_file", document_file)
    assignment.status = Assignment.Status.ANSWERED
    assignment.save(update_fields=["status"])
    reference = f" (văn bản số {answer.document_number} ngày {document_date:%d/%m/%Y})" if document_date else ""
    _move(
        petition, S.ANSWER_PENDING, "record_answer", by, public=False, note=f"{assignment.lead.name} trả lời{reference}"
    )
    notices.answer_pending(petition)
    return answer


def _pending_answer(petition: Petition, permission: str, by, verb: str) -> tuple[Petition, Answer]:
    """The petition, locked, and the answer awaiting the chair's decision (duyệt or trả lại)."""
    petition = _locked(petition)
    _require(by, permission, petition)
    _expect(petition, (S.ANSWER_PENDING,), "Không có trả lời nào đang chờ duyệt (trạng thái “%(status)s”).")
    answer = _current_answer(petition)
    if answer is None:
        raise ActionError(f"Không tìm thấy nội dung trả lời để {verb}.")
    return petition, answer


@transaction.atomic
def approve_answer(petition: Petition, *, by, public_text: str | None = None) -> Answer:
    """Duyệt: the chair approves the answer; the submitter is told it has been answered."""
    petition, answer = _pending_answer(petition, "petition.approve", by, "duyệt")
    answer.approved_by, answer.approved_at = by, clock.now()
    answer.public_text = nfc(public_text) if public_text is not None else (answer.public_text or answer.text)
    answer.save()
    # An answer given in the hall keeps saying so once approved (its public label: "Đã trả lời tại hội nghị").
    to = S.ANSWERED_AT_DIALOGUE if answer.at_dialogue else S.ANSWERED
    _move(petition, to, "approve", by, public=True, note="Thường trực Đảng ủy duyệt nội dung trả lời")
    notices.status_changed(petition)
    return answer


@transaction.atomic
def return_answer(petition: Petition, reason: str, *, by) -> Answer:
    """Trả lại trả lời: the chair does not approve the answer and sends it back, with the reason, to whoever
    answers again: the lead agency (or, for an answer of a higher authority or given in the hall, the Party
    Office). The answer stays in the timeline as an earlier one."""
    petition, answer = _pending_answer(petition, "petition.return_answer", by, "trả lại")
    reason = nfc(reason)
    if not reason:
        raise ActionError("Xin ghi lý do trả lại để cơ quan trả lời lại.")
    reason = reason[:RETURN_REASON_MAX]
    _retire_current_answer(petition)
    assignment = answer.assignment if answer.assignment_id and answer.assignment.is_current else None
    if assignment is not None:
        assignment.status = Assignment.Status.ACCEPTED  # it is the agency's again, already taken on
        assignment.save(update_fields=["status"])
        higher = assignment.lead.kind == Organization.Kind.HIGHER_AUTHORITY
        to = S.FORWARDED if higher else S.ASSIGNED
    else:
        to = S.CLASSIFIED  # given in the hall: back to the Party Office, which has it answered again
    _move(
        petition,
        to,
        "return_answer",
        by,
        public=False,
        note=reason,
        organization=answer.organization.name if answer.organization_id else "",
    )
    notices.answer_returned(petition, assignment, reason)
    return answer


@transaction.atomic
def publish(petition: Petition, *, by) -> Answer:
    """Công khai: the approved answer and the public summary appear on the public pages; the case is complete."""
    petition = _locked(petition)
    _require(by, "petition.publish", petition)
    if petition.kind in CONFIDENTIAL_KINDS:
        raise ActionError("Khiếu nại, tố cáo không bao giờ được công khai.")
    _expect(petition, (S.ANSWERED, S.ANSWERED_AT_DIALOGUE), "Chỉ công khai được ý kiến đã có trả lời được duyệt.")
    answer = _current_answer(petition)
    if answer is None or answer.approved_at is None:
        raise ActionError("Trả lời chưa được duyệt.")
    if not petition.public_summary.strip():
        raise ActionError("Xin viết tóm tắt công khai trước khi công khai (không nêu thông tin cá nhân).")
    if not answer.public_text.strip():
        raise ActionError("Xin viết nội dung trả lời công khai.")
    answer.published_at = clock.now()
    answer.save(update_fields=["published_at"])
    petition.is_public = True
    petition.refresh_public_search_key(answer.public_text)
    _move(petition, S.CLOSED, "publish", by, public=True, note="Công khai kết quả trả lời")
    notices.status_changed(petition)
    return answer


@transaction.atomic
def close(petition: Petition, reason: str, *, by) -> Petition:
    """Kết thúc không công khai (with a reason), e.g. an answer that concerns only the submitter."""
    petition = _locked(petition)
    _require(by, "petition.close", petition)
    _expect(petition, (S.ANSWERED, S.ANSWERED_AT_DIALOGUE), "Chỉ kết thúc được ý kiến đã có trả lời.")
    reason = nfc(reason)
    if not reason:
        raise ActionError("Xin ghi lý do kết thúc.")
    _move(petition, S.CLOSED, "close", by, public=True, note=reason[:2000])
    return petition


@transaction.atomic
def record_feedback(petition: Petition, *, satisfied: bool, reason: str = "") -> Answer:
    """Đánh giá: the submitter (by code) rates the answer; "chưa hài lòng" sends the case back to the coordinator."""
    petition = _locked(petition)
    if petition.status != S.CLOSED:
        raise ActionError("Ý kiến này chưa có trả lời được công khai để đánh giá.")
    answer = _current_answer(petition)
    if answer is None or answer.published_at is None or not petition.is_public:
        raise ActionError("Ý kiến này chưa có trả lời được công khai để đánh giá.")
    if answer.satisfaction:
        raise ActionError("Bạn đã đánh giá câu trả lời này rồi.")
    reason = nfc(reason)[:2000]
    if not satisfied and not reason:
        raise ActionError("Xin cho biết vì sao bạn chưa hài lòng để cơ quan xem xét lại.")
    now = clock.now()
    answer.satisfaction = Answer.Satisfaction.SATISFIED if satisfied else Answer.Satisfaction.UNSATISFIED
    answer.satisfaction_reason, answer.satisfaction_at = reason, now
    answer.save()
    # The reason stays out of the public note (it may hold the submitter's own details); staff read it in data.
    history.record(
        petition,
        "feedback",
        actor_label="Người gửi",
        public=True,
        note="Hài lòng" if satisfied else "Chưa hài lòng",
        reason=reason,
    )
    if not satisfied:
        # The old answer stays in the timeline; the case goes back to the coordinator for another look.
        Answer.objects.filter(pk=answer.pk).update(is_current=False)
        _end_current_assignment(petition)
        petition.is_public = False
        petition.refresh_public_search_key()
        petition.deadline = deadlines.deadline_for(petition.unit, petition.kind, petition.jurisdiction, clock.today())
        _move(
            petition,
            S.CLASSIFIED,
            "reopen",
            None,
            public=True,
            note="Người gửi chưa hài lòng; chuyển lại Văn phòng Đảng ủy xem xét",
        )
        notices.reopened(petition)
    return answer


# ------------------------------------------------------------------ identity


def view_identity(petition: Petition, user, *, context: str = "") -> dict[str, str]:
    """The submitter's identity for someone allowed to read it; each view of a complaint's or denunciation's
    identity is logged (IdentityView)."""
    if not permissions.can_see_identity(user, petition):
        raise ActionError("Bạn không được xem thông tin người gửi của ý kiến này.")
    if petition.kind in CONFIDENTIAL_KINDS:
        IdentityView.objects.create(petition=petition, user=user, at=clock.now(), context=context[:200])
    return {
        "name": petition.submitter_name,
        "phone": petition.submitter_phone,
        "email": petition.submitter_email,
        "address": petition.submitter_address,
        "organization": petition.submitter_organization_name,
    }


# ------------------------------------------------------------------ import of a list (nhập từ Excel)

IMPORT_INLINE_ROWS = 300  # larger lists are checked again and imported by the task worker, with a progress bar
IMPORT_KEEP = dt.timedelta(days=1)  # an upload not imported within a day is deleted (it holds personal data)
IMPORT_PROGRESS_EVERY = 200
IMPORT_CHUNK = 500  # rows stored, checked or imported per query
IMPORT_SWEEP = 50  # imports the periodic sweep cleans per run (each at most 10,020 stored rows)
_I = PetitionImport.Status


def upload_import(
    organization: Organization, *, data: bytes, original_name: str, by, dialogue=None, at: dt.datetime | None = None
) -> PetitionImport:
    """Tải lên danh sách: check the file's cheap bounds (importing.check_file; ImportRefused: nothing is kept),
    keep it, and have it read once: at once for a small file, else by the task worker (read_import). The list is
    received when it is uploaded (`at`, default now): that is the time its rows are recorded as received."""
    _require(by, "organization.submit_petitions", organization)
    if dialogue is not None and dialogue.unit_id != organization.unit_id:
        raise ActionError("Buổi đối thoại không thuộc đơn vị này.")
    checked = importing.check_file(data)
    if not disk_has_room(len(data) * 4):  # the file, and its rows stored while it is read
        raise importing.ImportRefused(
            "Hệ thống tạm thời không nhận thêm tệp (ổ đĩa sắp đầy); xin báo quản trị hệ thống."
        )
    batch = PetitionImport(
        unit_id=organization.unit_id,
        organization=organization,
        dialogue=dialogue,
        created_by=by,
        created_at=at or clock.now(),
        original_name=nfc_line(original_name)[:255] or "danh-sach",
        status=_I.UPLOADED,
        file_hash=importing.file_hash(data),
    )
    batch.file.save(f"danh-sach.{checked.kind}", ContentFile(data), save=False)  # the user's name: on the record only
    try:
        batch.save()
    except Exception:
        batch.file.delete(save=False)
        raise
    if not checked.small:
        _enqueue_reading(batch.pk)
        return batch
    batch = read_import(batch.pk)
    if batch.status == _I.FAILED:  # a small file refused while read: as if refused at once, nothing is kept
        batch.delete()
        raise importing.ImportRefused(batch.error)
    return batch


def _enqueue_reading(batch_id: int) -> None:
    from doithoai.petitions.tasks import read_petition_list  # the task module imports this one

    transaction.on_commit(lambda: read_petition_list.enqueue(batch_id))


def read_import(batch_id: int) -> PetitionImport:
    """Đọc tệp: read the stored file once, streaming (importing.open_table, within its bounds), keep its rows in
    the database, delete the file, then check the rows. What the task worker runs (and the upload itself for a
    small file); a file beyond the bounds fails the import with the reason. A step delivered twice runs once."""
    if PetitionImport.objects.filter(pk=batch_id, status=_I.UPLOADED).update(status=_I.READING, rows_total=0):
        batch = PetitionImport.objects.get(pk=batch_id)
        try:
            found = importing.find_layout(_store_rows(batch), batch.source)
        except importing.ImportRefused as error:
            return _finish_import(batch, _I.FAILED, error=str(error))
        except Exception:
            _finish_import(batch, _I.FAILED, error="Lỗi hệ thống khi đọc tệp; xin tải tệp lên lại.")
            raise
        finally:
            batch.file.delete(save=False)  # the list holds personal data: read once, it is not kept
        PetitionImport.objects.filter(pk=batch_id, status=_I.READING).update(
            status=_I.CHECKING, file="", header_line=found.header_line, columns=found.columns
        )
    return check_import(batch_id)


def _store_rows(batch: PetitionImport) -> list[tuple[int, list[str]]]:
    """Every non-blank row of the file into ImportRow, in chunks; returns the first rows (for the layout)."""
    first, chunk, count = [], [], 0
    try:
        stored = batch.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise importing.ImportRefused("Tệp đã được nhập hoặc đã hết hạn. Xin tải tệp lên lại.") from error
    with stored, importing.open_table(stored) as table:
        PetitionImport.objects.filter(pk=batch.pk).update(source=table.source)
        batch.source = table.source
        for line, cells, formulas in table.rows:
            if len(first) < importing.LAYOUT_ROWS:
                first.append((line, cells))
            chunk.append(ImportRow(batch=batch, line=line, cells=cells, formulas=formulas))
            if len(chunk) == IMPORT_CHUNK:
                count += len(ImportRow.objects.bulk_create(chunk))
                PetitionImport.objects.filter(pk=batch.pk).update(rows_total=count)  # progress, read by the page
                chunk = []
        ImportRow.objects.bulk_create(chunk)
    return first


def check_import(batch_id: int) -> PetitionImport:
    """Kiểm tra các dòng: check every stored row with the chosen columns (no file is read), keep each row's
    verdict and the counts; the import is then ready for its preview. Runs only while the import is `checking`."""
    batch = PetitionImport.objects.get(pk=batch_id)
    if batch.status != _I.CHECKING:
        return batch
    counts = dict.fromkeys(ImportRow.State.values, 0)
    finder, duplicates = import_duplicates.Finder(batch), 0
    if batch.rows_duplicate:  # checked again with other columns: the rows marked then are marked afresh
        import_duplicates.duplicate_rows(batch).update(duplicate_of="", duplicate_line=None)
    for rows in _row_chunks(batch):
        by_state: dict[int, list[int]] = {}
        checked = [_checked(batch, stored, _villages_of(batch)) for stored in rows]
        for stored, row in zip(rows, checked, strict=True):
            state = _state(row)
            by_state.setdefault(state, []).append(stored.pk)
            counts[state] += 1
        for state, pks in by_state.items():  # at most four plain updates a chunk (bulk_update's CASE is slow)
            ImportRow.objects.filter(pk__in=pks).update(state=state)
        duplicates += _mark_duplicates(rows, checked, finder)
    ok, warning, error = counts[ImportRow.State.OK], counts[ImportRow.State.WARNING], counts[ImportRow.State.ERROR]
    if ok + warning + error > importing.MAX_ROWS:  # the header chosen lower leaves more than a list may have
        return _finish_import(batch, _I.FAILED, error=str(importing.refused("rows")))
    PetitionImport.objects.filter(pk=batch_id, status=_I.CHECKING).update(
        status=_I.PREVIEWED,
        rows_total=ok + warning + error,
        rows_valid=ok + warning,
        rows_flagged=warning + error,
        rows_duplicate=duplicates,
        confirmed=[],
    )
    batch.refresh_from_db()
    return batch


def _mark_duplicates(rows: list[ImportRow], checked: list, finder: import_duplicates.Finder) -> int:
    """Records which valid rows of a chunk were sent before (one query to find them, few to record them)."""
    found = {row.line: row for row in finder.mark(checked)}
    marked = [stored for stored in rows if stored.line in found]
    for stored in marked:
        stored.duplicate_of, stored.duplicate_line = found[stored.line].duplicate_of, found[stored.line].duplicate_line
    ImportRow.objects.bulk_update(marked, ["duplicate_of", "duplicate_line"])  # duplicates only: usually none
    return len(marked)


def _row_chunks(batch: PetitionImport, **filters):
    """The stored rows in file order, IMPORT_CHUNK at a time (one query each, by line: bounded memory)."""
    last = 0
    while True:
        rows = list(ImportRow.objects.filter(batch=batch, line__gt=last, **filters).order_by("line")[:IMPORT_CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1].line


def _villages_of(batch: PetitionImport) -> dict:
    """The unit's villages by folded name, read once per import (kept on the record object)."""
    if not hasattr(batch, "_villages"):
        villages = Organization.objects.filter(unit_id=batch.unit_id, kind=Organization.Kind.VILLAGE, is_active=True)
        batch._villages = importing.village_index(villages)
    return batch._villages


def _checked(batch: PetitionImport, stored: ImportRow, villages: dict) -> importing.Row | None:
    """A stored row checked with the import's columns; None when it is not a row of opinions."""
    if not batch.columns or stored.line <= (batch.header_line or 0):
        return None
    return importing.check_row(stored.line, stored.cells, set(stored.formulas), batch.columns, villages)


def _state(row: importing.Row | None) -> int:
    if row is None:
        return ImportRow.State.IGNORED
    if row.errors:
        return ImportRow.State.ERROR
    return ImportRow.State.WARNING if row.warnings else ImportRow.State.OK


def checked_rows(batch: PetitionImport, rows) -> list[importing.Row]:
    """Stored rows (one page of the preview) with their errors and warnings, checked again as they are shown."""
    villages = _villages_of(batch)
    checked = []
    for stored in rows:
        row = _checked(batch, stored, villages)
        if row is not None:
            row.duplicate_of, row.duplicate_line = stored.duplicate_of, stored.duplicate_line  # as last checked
            checked.append(row)
    return checked


def choose_import_columns(batch: PetitionImport, *, columns: dict[str, int], header_line: int, by) -> PetitionImport:
    """Chọn cột: the user says which column of another layout holds what (the content column is required); the
    stored rows are checked again with them, at once for a short list, else by the task worker."""
    _require(by, "organization.submit_petitions", batch.organization)
    if columns.get("content") is None:
        raise ValidationError({"content": ["Xin chọn cột chứa nội dung ý kiến."]})
    chosen = [i for i in columns.values() if i is not None]
    if len(chosen) != len(set(chosen)):
        raise ValidationError({"__all__": ["Mỗi cột của tệp chỉ chọn cho một mục."]})
    moved = PetitionImport.objects.filter(pk=batch.pk, status=_I.PREVIEWED).update(
        status=_I.CHECKING,
        columns={field: index for field, index in columns.items() if index is not None},
        header_line=header_line,
    )
    if not moved:
        raise ActionError("Danh sách này đã được nhập hoặc đã hủy; không đổi được cột.")
    if ImportRow.objects.filter(batch=batch).count() > IMPORT_INLINE_ROWS:
        _enqueue_reading(batch.pk)  # the same task: read_import goes straight to the check
        batch.refresh_from_db()
        return batch
    return check_import(batch.pk)


def start_import(batch: PetitionImport, *, skip_errors: bool, by, confirmed: Iterable[int] = ()) -> PetitionImport:
    """Xác nhận nhập: from the counts of the check, import at once (a short list) or queue the import for the
    task worker (a long one). A row sent before (import_duplicates) is imported only when its line is among
    `confirmed` ("vẫn nhập dòng này"). A second submission of the same list imports nothing (ActionError)."""
    _require(by, "organization.submit_petitions", batch.organization)
    already = "Danh sách này đã được gửi nhập rồi; không nhập lần thứ hai."
    batch = PetitionImport.objects.filter(pk=batch.pk, status=_I.PREVIEWED).first()
    if batch is None:
        raise ActionError(already)
    if not batch.rows_valid:
        raise ValidationError("Không có dòng hợp lệ nào để nhập. Xin sửa tệp rồi tải lên lại.")
    duplicates = set()
    if batch.rows_duplicate:
        duplicates = set(import_duplicates.duplicate_rows(batch).values_list("line", flat=True))
    confirmed = sorted(duplicates.intersection(confirmed))
    to_import = batch.rows_valid - len(duplicates) + len(confirmed)
    if not to_import:
        raise ValidationError(
            "Mọi dòng hợp lệ đều trùng với ý kiến đã gửi trước; không có gì để nhập. Đánh dấu “Vẫn nhập dòng này” "
            "ở những dòng cần nhập lại."
        )
    if batch.rows_invalid and not skip_errors:
        raise ValidationError(
            f"Có {batch.rows_invalid} dòng lỗi. Chọn “bỏ qua các dòng lỗi” để chỉ nhập {to_import} dòng hợp "
            "lệ, hoặc sửa tệp rồi tải lên lại."
        )
    claimed = PetitionImport.objects.filter(pk=batch.pk, status=_I.PREVIEWED).update(
        status=_I.QUEUED, skip_errors=skip_errors, rows_done=0, confirmed=confirmed
    )
    if not claimed:
        raise ActionError(already)
    if to_import <= IMPORT_INLINE_ROWS:
        return run_import(batch.pk)
    from doithoai.petitions.tasks import import_petitions  # the task module imports this one

    transaction.on_commit(lambda: import_petitions.enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


def run_import(batch_id: int) -> PetitionImport:
    """Nhập danh sách: every valid stored row, checked once more, through submit_petition (channel org_batch), all
    in ONE transaction; any failure saves nothing and is recorded on the import. Progress is kept on the record."""
    started = PetitionImport.objects.filter(pk=batch_id, status=_I.QUEUED).update(
        status=_I.RUNNING, started_at=clock.now()
    )
    batch = PetitionImport.objects.select_related("organization", "created_by", "unit", "dialogue").get(pk=batch_id)
    if not started:
        return batch  # already run (a task delivered twice) or not confirmed
    skipped: list[dict] = []
    try:
        with _ImportProgress(batch.pk) as progress, deadlines.read_once(), transaction.atomic():
            done = _import_rows(batch, progress, skipped)
    except (ValidationError, ActionError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        return _finish_import(batch, _I.FAILED, error="Chưa nhập ý kiến nào: " + "; ".join(messages))
    except Exception:
        _finish_import(batch, _I.FAILED, error="Chưa nhập ý kiến nào: lỗi hệ thống khi nhập.")
        raise
    return _finish_import(batch, _I.DONE, rows_done=done, skipped=skipped)


def _import_rows(batch: PetitionImport, progress: "_ImportProgress", skipped: list[dict]) -> int:
    villages = _villages_of(batch)
    by_pk = {v.pk: v for v in villages.values()}
    finder, confirmed = import_duplicates.Finder(batch), set(batch.confirmed)
    # Two lists of one organisation imported at the same time would each miss the other's rows: one at a time.
    list(Organization.objects.select_for_update(no_key=True).filter(pk=batch.organization_id).values_list("pk"))
    done = 0
    for rows in _row_chunks(batch, state__gt=ImportRow.State.IGNORED):
        created = []
        checked = [_checked(batch, stored, villages) for stored in rows]
        finder.mark(checked)  # against what is imported now, whatever the preview showed or the user posted
        for row in checked:
            if row is None:
                continue
            if row.errors:
                if not batch.skip_errors:
                    raise ValidationError("Danh sách đã thay đổi so với lúc xem trước; xin tải lên lại.")
                skipped.append({"line": row.line, "errors": row.errors})
                continue
            if row.is_duplicate and row.line not in confirmed:
                skipped.append({"line": row.line, "errors": [import_duplicates.message(row)], "duplicate": True})
                continue
            petition = submit_petition(
                batch.unit,
                channel=Petition.Channel.ORG_BATCH,
                organization=batch.organization,
                village=by_pk.get(row.village_id),
                dialogue=batch.dialogue,
                by=batch.created_by,
                received_at=batch.created_at,
                import_key=row.key,
                **row.submission(),
            )
            finder.imported(row, petition.code)
            created.append(petition.pk)
            done += 1
            progress.report(done)
        Petition.objects.filter(pk__in=created).update(imported_in=batch)
    return done


def _finish_import(batch: PetitionImport, status: str, **fields) -> PetitionImport:
    PetitionImport.objects.filter(pk=batch.pk).update(status=status, finished_at=clock.now(), file="", **fields)
    batch.file.delete(save=False)  # the list holds personal data: once imported (or not), nothing of it is kept
    ImportRow.objects.filter(batch_id=batch.pk).delete()
    batch.refresh_from_db()
    return batch


class _ImportProgress:
    """Writes the count of saved rows where other processes can read it while the import's transaction is open.

    On PostgreSQL through a second connection (its own autocommit transaction, on a row the import does not
    touch). SQLite allows one writer at a time, so there the count is written only when the import ends and the
    page shows the saving step without a count.
    """

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.connection = None

    def __enter__(self):
        from django.db import connection, connections

        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.connection = connections.create_connection(connection.alias)
        return self

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            self.connection.close()

    def report(self, done: int) -> None:
        if self.connection is None or done % IMPORT_PROGRESS_EVERY:
            return
        with self.connection.cursor() as cursor:
            table = PetitionImport._meta.db_table  # the model's own table name, never user input
            cursor.execute(f"UPDATE {table} SET rows_done = %s WHERE id = %s", [done, self.batch_id])  # noqa: S608


def expire_imports() -> int:
    """Hết hạn: imports never confirmed within a day (still being read, or previewed) are cancelled, their file
    and stored rows deleted (they hold personal data); rows an interrupted import left are deleted too. Bounded
    per run (IMPORT_SWEEP imports); returns how many imports it cleaned. Run by `doithoai sweep`."""
    waiting = (_I.UPLOADED, _I.READING, _I.CHECKING, _I.PREVIEWED)
    stale = PetitionImport.objects.filter(status__in=waiting, created_at__lt=clock.now() - IMPORT_KEEP)
    finished = PetitionImport.objects.filter(
        Q(rows__isnull=False) | ~Q(file=""), status__in=(_I.DONE, _I.FAILED, _I.EXPIRED)
    )
    count = 0
    for batch in list(stale.order_by("created_at")[:IMPORT_SWEEP]) + list(finished.distinct()[:IMPORT_SWEEP]):
        # conditional: an import confirmed meanwhile is left alone
        if batch.status in waiting and not PetitionImport.objects.filter(pk=batch.pk, status__in=waiting).update(
            status=_I.EXPIRED, file=""
        ):
            continue
        batch.file.delete(save=False)
        ImportRow.objects.filter(batch_id=batch.pk).delete()
        count += 1
    return count
