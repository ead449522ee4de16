"""Who is told what when a petition moves (queued after commit, each event once).

Messages to staff carry the tracking code and the public summary, never a submitter's identity;
messages to a submitter go only to the contact they gave.
"""

from django.urls import reverse

from doithoai.accounts.models import RoleAssignment, User
from doithoai.lib.dates import local_format
from doithoai.lib.urls import absolute_url
from doithoai.notifications.actions import notify, notify_contact
from doithoai.notifications.models import Notification
from doithoai.petitions.models import PUBLIC_STATUS_LABELS, Petition

N = Notification.Kind


def status_url(petition: Petition) -> str:
    """The status page's full address, as printed and sent (receipts, QR codes, messages, the API)."""
    return absolute_url(petition.get_status_url())


def _latest_entry_id(petition: Petition) -> int:
    entry = petition.history.order_by("-id").values_list("id", flat=True).first()
    return entry or 0


def receipt(petition: Petition) -> None:
    """Xác nhận tiếp nhận, by e-mail or SMS when the submitter left a contact."""
    url = status_url(petition)
    received = local_format(petition.received_at, "%H:%M ngày %d/%m/%Y")  # received_at is in UTC until converted
    body = (
        f"{petition.unit.name} đã tiếp nhận ý kiến của bạn lúc {received}.\n"
        f"Mã theo dõi: {petition.code}\nTra cứu tình hình giải quyết: {url}\n"
    )
    notify_contact(
        f"petition:{petition.pk}:receipt",
        kind=N.RECEIPT,
        email=petition.submitter_email,
        phone=petition.submitter_phone,
        subject=f"Đã tiếp nhận ý kiến — mã {petition.code}",
        body=body,
        sms=f"{petition.unit.short_name}: da tiep nhan y kien, ma {petition.code}. Tra cuu: {url}",
        petition=petition,
    )


def status_changed(petition: Petition) -> None:
    """Tell the submitter the new public status (the answer itself is read on the status page)."""
    label = PUBLIC_STATUS_LABELS.get(petition.status, petition.get_status_display())
    url = status_url(petition)
    notify_contact(
        f"petition:{petition.pk}:history:{_latest_entry_id(petition)}",
        kind=N.STATUS,
        email=petition.submitter_email,
        phone=petition.submitter_phone,
        subject=f"Ý kiến {petition.code}: {label}",
        body=f"Ý kiến mã {petition.code} hiện ở trạng thái: {label}.\nXem chi tiết: {url}\n",
        sms=f"Y kien {petition.code}: {label}. Xem: {url}",
        petition=petition,
    )


def _staff(unit_id: int, role: str, organization_id: int | None = None) -> list[User]:
    roles = RoleAssignment.objects.filter(unit_id=unit_id, role=role, user__is_active=True).select_related(
        "user__person"
    )
    if organization_id:
        roles = roles.filter(organization_id=organization_id)
    return [r.user for r in roles]


def _tell_staff(users, event_key: str, kind: str, subject: str, body: str, petition: Petition) -> None:
    for user in users:
        notify(
            f"{event_key}:user:{user.pk}",
            kind=kind,
            channel="email",
            recipient=user.contact_email,
            subject=subject,
            body=body,
            petition=petition,
            recipient_user=user,
        )


def _summary(petition: Petition) -> str:
    return petition.public_summary or "(chưa có tóm tắt)"


def assigned(assignment) -> None:
    petition = assignment.petition
    subject = f"Giao xử lý ý kiến {petition.code}, hạn {assignment.deadline:%d/%m/%Y}"
    body = f"{assignment.lead.name} được giao chủ trì giải quyết ý kiến {petition.code}: {_summary(petition)}\n"
    if assignment.instructions:
        body += f"Ý kiến chỉ đạo: {assignment.instructions}\n"
    key = f"assignment:{assignment.pk}:assigned"
    _tell_staff(
        _staff(petition.unit_id, RoleAssignment.Role.AGENCY, assignment.lead_id),
        key,
        N.ASSIGNED,
        subject,
        body,
        petition,
    )
    if assignment.lead.email:
        notify(
            f"{key}:org",
            kind=N.ASSIGNED,
            channel="email",
            recipient=assignment.lead.email,
            subject=subject,
            body=body,
            petition=petition,
        )
    for org in assignment.coordinating.all():
        _tell_staff(
            _staff(petition.unit_id, RoleAssignment.Role.AGENCY, org.pk),
            f"{key}:coord:{org.pk}",
            N.ASSIGNED,
            "Phối hợp: " + subject,
            body,
            petition,
        )


def returned(assignment) -> None:
    petition = assignment.petition
    _tell_staff(
        _staff(petition.unit_id, RoleAssignment.Role.COORDINATOR),
        f"assignment:{assignment.pk}:returned",
        N.STATUS,
        f"{assignment.lead.name} trả lại ý kiến {petition.code}",
        f"Lý do: {assignment.returned_reason}\n",
        petition,
    )


def extension_requested(request) -> None:
    petition = request.assignment.petition
    _tell_staff(
        _staff(petition.unit_id, RoleAssignment.Role.COORDINATOR),
        f"extension:{request.pk}:requested",
        N.STATUS,
        f"Xin gia hạn ý kiến {petition.code} đến {request.requested_deadline:%d/%m/%Y}",
        f"{request.assignment.lead.name}: {request.reason}\n",
        petition,
    )


def extension_decided(request) -> None:
    assignment = request.assignment
    petition = assignment.petition
    verdict = "được gia hạn" if request.status == request.Status.GRANTED else "không được gia hạn"
    _tell_staff(
        _staff(petition.unit_id, RoleAssignment.Role.AGENCY, assignment.lead_id),
        f"extension:{request.pk}:decided",
        N.STATUS,
        f"Ý kiến {petition.code} {verdict}",
        f"{request.decision_note}\n",
        petition,
    )


def answer_pending(petition: Petition) -> None:
    _tell_staff(
        _staff(petition.unit_id, RoleAssignment.Role.CHAIR),
        f"petition:{petition.pk}:pending:{_latest_entry_id(petition)}",
        N.STATUS,
        f"Trả lời ý kiến {petition.code} chờ duyệt",
        f"{_summary(petition)}\n",
        petition,
    )


def reopened(petition: Petition) -> None:
    _tell_staff(
        _staff(petition.unit_id, RoleAssignment.Role.COORDINATOR),
        f"petition:{petition.pk}:reopened:{_latest_entry_id(petition)}",
        N.STATUS,
        f"Người gửi chưa hài lòng với trả lời ý kiến {petition.code}",
        f"{_summary(petition)}\n",
        petition,
    )


def answer_returned(petition: Petition, assignment, reason: str) -> None:
    """The chair sent an answer back: the lead agency (its officers and its address, as when it was assigned; for an
    answer of a higher authority or given in the hall, the Party Office) is told why, to answer again."""
    agency = assignment is not None and assignment.lead.kind != "higher_authority"
    users = (
        _staff(petition.unit_id, RoleAssignment.Role.AGENCY, assignment.lead_id)
        if agency
        else _staff(petition.unit_id, RoleAssignment.Role.COORDINATOR)
    )
    page = (
        reverse("petitions:agency_item", args=[assignment.pk])
        if agency
        else reverse("petitions:detail", args=[petition.pk])
    )
    key = f"petition:{petition.pk}:answer_returned:{_latest_entry_id(petition)}"
    subject = f"Trả lời ý kiến {petition.code} được trả lại để trả lời lại"
    body = (
        f"Thường trực Đảng ủy chưa duyệt, trả lại trả lời ý kiến {petition.code}: {_summary(petition)}\n"
        f"Lý do trả lại: {reason}\nXem và trả lời lại: {absolute_url(page)}\n"
    )
    _tell_staff(users, key, N.STATUS, subject, body, petition)
    if agency and assignment.lead.email:
        notify(
            f"{key}:org",
            kind=N.STATUS,
            channel="email",
            recipient=assignment.lead.email,
            subject=subject,
            body=body,
            petition=petition,
        )
