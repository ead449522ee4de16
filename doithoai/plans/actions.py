"""Every change to plans and dialogues: one function each, used alike by pages, the API and commands.

Each checks the actor's permission and the current state, and writes the dialogue's history (DialogueEvent) in
the same transaction. An illegal move raises ActionError (Vietnamese) and changes nothing.
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Post, Unit
from doithoai.documents.actions import RegisterError, issue_number, register_for
from doithoai.documents.models import DocumentRegister
from doithoai.lib import clock
from doithoai.lib.contact import normalise_phone
from doithoai.lib.text import nfc, nfc_line
from doithoai.petitions.actions import ActionError
from doithoai.plans import announcing, defaults, queries
from doithoai.plans.models import (
    AgendaItem,
    Announcement,
    Dialogue,
    DialogueEvent,
    DialogueMember,
    Invitation,
    Plan,
    PlanTask,
    PrintedSlip,
    SpeakerRequest,
)

St = Dialogue.Status
PLAN_TEXTS = (
    "legal_bases",
    "purposes",
    "requirements",
    "audiences",
    "content",
    "forms",
    "schedule",
    "place",
    "proceedings",
    "implementation",
    "closing",
    "distribution",
)
MAX_TEXT = 20_000
SLIP_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read back from handwriting
OPEN_FOR_SPEAKERS = (St.PLANNED, St.SCHEDULED, St.ANNOUNCED)
QUEUE_CLOSED = "Buổi đã kết luận: danh sách phát biểu đã chốt, không thêm người, không đổi thứ tự hay trạng thái nữa."
QUEUE_CANCELLED = "Buổi đã bị hủy: không nhận đăng ký phát biểu, không đổi danh sách phát biểu nữa."
CANCELLED = "Buổi đã bị hủy: không thay đổi được nữa."


def _refuse_if_cancelled(dialogue: Dialogue) -> None:
    if dialogue.status == St.CANCELLED:
        raise ActionError(CANCELLED)


def queue_closed_message(dialogue: Dialogue) -> str:
    """Why a closed speaker queue refuses a change (Dialogue.speaker_queue_closed)."""
    return QUEUE_CANCELLED if dialogue.status == St.CANCELLED else QUEUE_CLOSED


def _require(user, action: str, obj) -> None:
    if not permissions.can(user, action, obj):
        raise ActionError("Bạn không có quyền thực hiện thao tác này.")


def _event(dialogue: Dialogue, action: str, by, *, to: str | None = None, note: str = "") -> DialogueEvent:
    """Record an action in the dialogue's history; with `to`, also move the dialogue to that status."""
    event = DialogueEvent.objects.create(
        dialogue=dialogue,
        at=clock.now(),
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        from_status=dialogue.status if to else "",
        to_status=to or "",
        note=note,
    )
    if to and to != dialogue.status:
        dialogue.status = to
        dialogue.save(update_fields=["status"])
    return event


def _locked(dialogue: Dialogue) -> Dialogue:
    return Dialogue.objects.select_for_update(of=("self",)).select_related("unit", "plan").get(pk=dialogue.pk)


def _text(value, label: str, errors: dict, *, required=False, limit=MAX_TEXT, line=False) -> str:
    text = nfc_line(value) if line else nfc(value)
    if required and not text:
        errors.setdefault(label, []).append("Xin điền mục này.")
    elif len(text) > limit:
        errors.setdefault(label, []).append(f"Quá dài (tối đa {limit:,} ký tự).".replace(",", "."))
    return text


# ------------------------------------------------------------------ plans (kế hoạch)


@transaction.atomic
def create_plan(
    unit: Unit,
    *,
    title: str,
    year: int,
    issued_on: dt.date,
    issuing_body: Organization,
    by,
    signer_post: Post | None = None,
    supersedes: Plan | None = None,
    **texts,
) -> Plan:
    """Ban hành kế hoạch: a new plan numbered from the issuing body's register (no gap, no duplicate); it may
    replace an earlier plan of the unit, whose dialogues already held stay with it."""
    _require(by, "plan.edit", unit)
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", errors, required=True, limit=400, line=True)
    cleaned = {name: _text(texts.get(name, ""), name, errors) for name in PLAN_TEXTS}
    unknown = set(texts) - set(PLAN_TEXTS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    if issuing_body.unit_id != unit.pk:
        errors.setdefault("issuing_body", []).append("Không thuộc đơn vị này.")
    if signer_post is not None and signer_post.unit_id != unit.pk:
        errors.setdefault("signer_post", []).append("Không thuộc đơn vị này.")
    if supersedes is not None:
        if supersedes.unit_id != unit.pk:
            errors.setdefault("supersedes", []).append("Không thuộc đơn vị này.")
        elif Plan.objects.filter(supersedes=supersedes).exists():
            errors.setdefault("supersedes", []).append("Kế hoạch này đã được một kế hoạch khác thay thế.")
    if not 2000 <= year <= 2100:
        errors.setdefault("year", []).append("Năm không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    try:
        register = register_for(
            issuing_body,
            DocumentRegister.DocType.KE_HOACH,
            issued_on,
            style=DocumentRegister.Style.PARTY,
            body_symbol="ĐU",
        )
    except RegisterError as error:
        raise ValidationError({"issued_on": [str(error)]}) from error
    document = issue_number(register, issued_on=issued_on, summary=title, signer_post=signer_post, by=by)
    return Plan.objects.create(
        unit=unit,
        document=document,
        issued_on=issued_on,
        year=year,
        title=title,
        signer_post=signer_post,
        supersedes=supersedes,
        **cleaned,
    )


@transaction.atomic
def update_plan(plan: Plan, *, by, title: str | None = None, signer_post: Post | None = None, **texts) -> Plan:
    """Sửa kế hoạch: its texts (the number and date stay those of the issued document)."""
    _require(by, "plan.edit", plan)
    errors: dict[str, list[str]] = {}
    if title is not None:
        plan.title = _text(title, "title", errors, required=True, limit=400, line=True)
    for name, value in texts.items():
        if name not in PLAN_TEXTS:
            raise TypeError(f"unknown plan field: {name}")
        setattr(plan, name, _text(value, name, errors))
    if signer_post is not None:
        if signer_post.unit_id != plan.unit_id:
            errors.setdefault("signer_post", []).append("Không thuộc đơn vị này.")
        plan.signer_post = signer_post
    if errors:
        raise ValidationError(errors)
    plan.save()
    return plan


@transaction.atomic
def generate_quarterly_dialogues(plan: Plan, *, by) -> list[Dialogue]:
    """Tạo 4 buổi giao ban quý: one regular dialogue per quarter of the plan's year, with a tentative month and
    the standard programme; a quarter that already has one (under this plan or one it replaced) is skipped."""
    _require(by, "plan.edit", plan)
    chain = [plan.pk]
    current = plan.supersedes
    while current is not None and current.pk not in chain:
        chain.append(current.pk)
        current = current.supersedes
    existing = Dialogue.objects.filter(plan_id__in=chain, kind=Dialogue.Kind.REGULAR)
    taken = {(d.month.month - 1) // 3 for d in existing}
    created = []
    for index, (quarter, month) in enumerate(zip(defaults.QUARTERS, defaults.QUARTER_MONTHS, strict=True)):
        if index in taken:
            continue
        dialogue = Dialogue.objects.create(
            unit_id=plan.unit_id,
            plan=plan,
            kind=Dialogue.Kind.REGULAR,
            title=defaults.QUARTERLY_TITLE.format(quarter=quarter, year=plan.year),
            audience=defaults.QUARTERLY_AUDIENCE,
            tentative_month=dt.date(plan.year, month, 1),
            place=plan.place or defaults.PLACE,
            chair_post=plan.signer_post,
        )
        _default_agenda(dialogue)
        _event(dialogue, "create", by, note="Tạo từ kế hoạch (giao ban quý)")
        created.append(dialogue)
    return created


@transaction.atomic
def add_task(
    plan: Plan,
    *,
    organization: Organization,
    title: str,
    by,
    due_on: dt.date | None = None,
    section: str = "III",
    purpose: str = "",
    dialogue: Dialogue | None = None,
) -> PlanTask:
    """Giao nhiệm vụ: one task of section III for an organisation of the unit, with its due date."""
    _require(by, "plan.edit", plan)
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", errors, required=True, limit=300, line=True)
    section = _text(section, "section", errors, limit=20, line=True)
    if organization.unit_id != plan.unit_id:
        errors.setdefault("organization", []).append("Không thuộc đơn vị này.")
    if dialogue is not None and dialogue.unit_id != plan.unit_id:
        errors.setdefault("dialogue", []).append("Không thuộc đơn vị này.")
    if purpose not in PlanTask.Purpose.values:
        errors.setdefault("purpose", []).append("Loại nhiệm vụ không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    return PlanTask.objects.create(
        plan=plan,
        organization=organization,
        title=title,
        due_on=due_on,
        section=section,
        purpose=purpose,
        dialogue=dialogue,
    )


SECTION_III = {
    PlanTask.Purpose.PASS_ON: "Quán triệt, thông tin, tuyên truyền rộng rãi nội dung Kế hoạch đến cán bộ, đảng viên, "
    "đoàn viên, hội viên và Nhân dân",
    PlanTask.Purpose.GATHER: "Tổng hợp ý kiến, tâm tư, nguyện vọng, kiến nghị của đoàn viên, hội viên, báo cáo "
    "Thường trực Đảng ủy (qua Văn phòng Đảng ủy) trước hội nghị",
    PlanTask.Purpose.ANNOUNCE: "Thông báo trên Cổng thông tin điện tử và Đài truyền thanh xã về nội dung, thời gian, "
    "địa điểm hội nghị (trước 07 ngày)",
}


@transaction.atomic
def create_section_iii_tasks(plan: Plan, *, by) -> list[PlanTask]:
    """Giao các nhiệm vụ của mục III: what section III asks of the organisations it names by kind — each Party
    cell passes the plan on (III.1, within two weeks of the plan); before each dated dialogue the MTTQ and the
    mass organisations gather their members' opinions (a week before), and the service centre (the unit's
    publishers) announces a conference or business dialogue (7 days before). Tasks already there are kept,
    never doubled; run again once more dialogues are dated."""
    _require(by, "plan.edit", plan)
    orgs = Organization.objects.filter(unit_id=plan.unit_id, is_active=True)
    cells = [o for o in orgs if o.kind == Organization.Kind.PARTY_CELL]
    mass = [o for o in orgs if o.kind == Organization.Kind.MASS_ORG]
    publishers = {o.pk: o for o in permissions.organizations_for_role_in_unit(permissions.Role.PUBLISHER, plan.unit_id)}
    have = set(plan.tasks.values_list("organization_id", "dialogue_id", "purpose"))
    wanted = []
    issued = plan.issued_on or clock.today()
    for cell in cells:
        wanted.append((cell, None, PlanTask.Purpose.PASS_ON, "III.1", issued + dt.timedelta(days=14)))
    for dialogue in plan.dialogues.filter(starts_at__isnull=False).exclude(kind=Dialogue.Kind.RECEPTION):
        day = timezone.localdate(dialogue.starts_at)
        if dialogue.kind != Dialogue.Kind.BUSINESS:
            wanted += [(org, dialogue, PlanTask.Purpose.GATHER, "III.2", day - dt.timedelta(days=7)) for org in mass]
        if dialogue.needs_announcement:
            last_day = dialogue.last_announcement_day
            wanted += [(org, dialogue, PlanTask.Purpose.ANNOUNCE, "III.3", last_day) for org in publishers.values()]
    created = [
        PlanTask(
            plan=plan,
            organization=org,
            dialogue=dialogue,
            purpose=purpose,
            section=section,
            due_on=due,
            title=SECTION_III[purpose],
        )
        for org, dialogue, purpose, section, due in wanted
        if (org.pk, dialogue.pk if dialogue else None, purpose) not in have
    ]
    PlanTask.objects.bulk_create(created)
    return created


@transaction.atomic
def complete_task(task: PlanTask, *, by, done: bool = True) -> PlanTask:
    """Xác nhận hoàn thành nhiệm vụ (or undo it): e.g. a Party cell confirms it passed the plan on (III.1)."""
    _require(by, "plantask.complete", task)
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    if done and task.done_at is None:
        task.done_at, task.done_by = clock.now(), by
    elif not done:
        task.done_at, task.done_by = None, None
    task.save(update_fields=["done_at", "done_by"])
    return task


# ------------------------------------------------------------------ dialogues (buổi tiếp xúc, đối thoại)


def _default_agenda(dialogue: Dialogue) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(dialogue=dialogue, position=position, title=title, presenter=presenter)
        for position, (title, presenter) in enumerate(defaults.AGENDA, start=1)
    )


@transaction.atomic
def create_dialogue(
    unit: Unit,
    *,
    kind: str,
    title: str,
    by,
    plan: Plan | None = None,
    tentative_month: dt.date | None = None,
    audience: str = "",
    content: str = "",
    place: str = "",
    chair_post: Post | None = None,
    same_title_confirmed: bool = False,
) -> Dialogue:
    """Thêm buổi: a dialogue of a plan (or an ad hoc one), with a tentative month and the standard programme.
    A title the plan already has is refused (code "duplicate_title") unless the officer confirms it is another
    dialogue: two "Đối thoại đột xuất …" of the same name may be real, a form sent twice never is."""
    _require(by, "dialogue.edit", unit)
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", errors, required=True, limit=300, line=True)
    audience, content = _text(audience, "audience", errors), _text(content, "content", errors)
    place = _text(place, "place", errors, limit=200, line=True) or (plan.place if plan else "") or defaults.PLACE
    if kind not in Dialogue.Kind.values:
        errors.setdefault("kind", []).append("Hình thức không hợp lệ.")
    if plan is not None and plan.unit_id != unit.pk:
        errors.setdefault("plan", []).append("Không thuộc đơn vị này.")
    if tentative_month is None:
        errors.setdefault("tentative_month", []).append("Xin chọn tháng dự kiến.")
    if chair_post is not None and chair_post.unit_id != unit.pk:
        errors.setdefault("chair_post", []).append("Không thuộc đơn vị này.")
    if errors:
        raise ValidationError(errors)
    if plan is not None:  # two officers (or one double click) adding at once: the second sees the first
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
    same = queries.same_title_dialogues(plan, title) if plan is not None and not same_title_confirmed else []
    if same:
        when = ", ".join(_when(d) for d in same)
        message = f"Kế hoạch này đã có buổi “{same[0].title}” ({when}). Nếu đây là một buổi khác, xin xác nhận."
        raise ValidationError({"title": [ValidationError(message, code="duplicate_title")]})
    dialogue = Dialogue.objects.create(
        unit=unit,
        plan=plan,
        kind=kind,
        title=title,
        audience=audience,
        content=content,
        tentative_month=tentative_month.replace(day=1),
        place=place,
        chair_post=chair_post,
    )
    _default_agenda(dialogue)
    _event(dialogue, "create", by)
    return dialogue


def _when(dialogue: Dialogue) -> str:
    if dialogue.starts_at:
        return f"ngày {timezone.localdate(dialogue.starts_at):%d/%m/%Y}"
    month = dialogue.tentative_month
    return f"dự kiến tháng {month.month}/{month.year}" if month else "chưa có thời gian"


@transaction.atomic
def schedule_dialogue(
    dialogue: Dialogue, *, starts_at: dt.datetime, ends_at: dt.datetime | None, place: str, by, chair_post=None
) -> Dialogue:
    """Ấn định thời gian, địa điểm: from a tentative month to a date, time and place. Changing the time of an
    announced dialogue sends it back to "scheduled": it must be announced again."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.edit", dialogue)
    _refuse_if_cancelled(dialogue)
    if dialogue.status not in (St.PLANNED, St.SCHEDULED, St.ANNOUNCED):
        raise ActionError("Buổi đã diễn ra: không đổi được thời gian, địa điểm.")
    errors: dict[str, list[str]] = {}
    place = _text(place, "place", errors, required=True, limit=200, line=True)
    if starts_at is None:
        errors.setdefault("starts_at", []).append("Xin chọn ngày giờ bắt đầu.")
    elif ends_at is not None and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append("Giờ kết thúc phải sau giờ bắt đầu.")
    if chair_post is not None and chair_post.unit_id != dialogue.unit_id:
        errors.setdefault("chair_post", []).append("Không thuộc đơn vị này.")
    if errors:
        raise ValidationError(errors)
    moved = (dialogue.starts_at, dialogue.ends_at, dialogue.place) != (starts_at, ends_at, place)
    dialogue.starts_at, dialogue.ends_at, dialogue.place = starts_at, ends_at, place
    if chair_post is not None:
        dialogue.chair_post = chair_post
    dialogue.save(update_fields=["starts_at", "ends_at", "place", "chair_post"])
    when = timezone.localtime(starts_at).strftime("%H:%M %d/%m/%Y")
    if dialogue.status == St.ANNOUNCED and moved:
        _event(dialogue, "reschedule", by, to=St.SCHEDULED, note=f"Đổi sang {when}, {place}: cần thông báo lại")
    else:
        _event(dialogue, "schedule", by, to=St.SCHEDULED, note=f"{when}, {place}")
    return dialogue


@transaction.atomic
def set_dialogue_members(dialogue: Dialogue, *, secretaries=(), receivers=(), by) -> Dialogue:
    """Phân công thư ký và bộ phận tiếp nhận: the per-dialogue roles (staff accounts of the unit)."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.edit", dialogue)
    wanted = [(u, DialogueMember.Role.SECRETARY) for u in secretaries] + [
        (u, DialogueMember.Role.RECEIVER) for u in receivers
    ]
    for user, _role in wanted:
        if not permissions.is_staff_user(user) or not any(
            r.unit_id == dialogue.unit_id for r in permissions.roles_of(user)
        ):
            raise ValidationError({"members": [f"Tài khoản {user} không thuộc đơn vị này."]})
    DialogueMember.objects.filter(dialogue=dialogue).delete()
    DialogueMember.objects.bulk_create(DialogueMember(dialogue=dialogue, user=u, role=r) for u, r in wanted)
    names = ", ".join(sorted({u.get_full_name() or u.username for u, _ in wanted})) or "không có"
    _event(dialogue, "members", by, note=f"Thư ký, bộ phận tiếp nhận: {names}")
    return dialogue


@transaction.atomic
def set_agenda(dialogue: Dialogue, items: list[tuple[str, str]], *, by) -> Dialogue:
    """Sửa chương trình: the programme's steps in order (title, who carries it out)."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.edit", dialogue)
    errors: dict[str, list[str]] = {}
    cleaned = [
        (_text(title, "agenda", errors, limit=2000), _text(presenter, "agenda", errors, limit=200, line=True))
        for title, presenter in items
    ]
    cleaned = [(t, p) for t, p in cleaned if t]
    if not cleaned:
        errors.setdefault("agenda", []).append("Chương trình cần ít nhất một mục.")
    if len(cleaned) > 30:
        errors.setdefault("agenda", []).append("Chương trình có tối đa 30 mục.")
    if errors:
        raise ValidationError(errors)
    AgendaItem.objects.filter(dialogue=dialogue).delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(dialogue=dialogue, position=i, title=t, presenter=p) for i, (t, p) in enumerate(cleaned, start=1)
    )
    _event(dialogue, "agenda", by, note=f"Chương trình {len(cleaned)} mục")
    return dialogue


@transaction.atomic
def mark_held(dialogue: Dialogue, *, by) -> Dialogue:
    """Đã tổ chức: the dialogue took place (on or after its start)."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.edit", dialogue)
    _refuse_if_cancelled(dialogue)
    if dialogue.status not in (St.SCHEDULED, St.ANNOUNCED):
        raise ActionError("Chỉ buổi đã ấn định thời gian mới được ghi là đã tổ chức.")
    if dialogue.starts_at > clock.now():
        raise ActionError("Buổi chưa đến giờ bắt đầu.")
    _event(dialogue, "hold", by, to=St.HELD)
    return dialogue


@transaction.atomic
def conclude_dialogue(dialogue: Dialogue, *, conclusion: str, by, minutes: str | None = None) -> Dialogue:
    """Kết luận: the chair's conclusion (and the minutes, when given) recorded after the dialogue was held."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.conclude", dialogue)
    if dialogue.status != St.HELD:
        raise ActionError("Chỉ ghi kết luận cho buổi đã tổ chức.")
    errors: dict[str, list[str]] = {}
    dialogue.conclusion = _text(conclusion, "conclusion", errors, required=True)
    if minutes is not None:
        dialogue.minutes = _text(minutes, "minutes", errors)
    if errors:
        raise ValidationError(errors)
    dialogue.save(update_fields=["conclusion", "minutes"])
    _event(dialogue, "conclude", by, to=St.CONCLUDED)
    return dialogue


@transaction.atomic
def cancel_dialogue(dialogue: Dialogue, *, reason: str, by) -> Dialogue:
    """Hủy buổi: a dialogue that will not take place (before it is held), with the reason, which its public page
    shows. Its speaker queue closes; those who registered to speak with a phone number are told by SMS. A new date
    is a new dialogue ("Thêm buổi"): a cancelled one stays as it was, in the plan's record."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.edit", dialogue)
    if dialogue.status == St.CANCELLED:
        raise ActionError("Buổi này đã bị hủy.")
    if dialogue.status not in (St.PLANNED, St.SCHEDULED, St.ANNOUNCED):
        raise ActionError("Buổi đã diễn ra: không hủy được.")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=True, limit=1000)
    if errors:
        raise ValidationError(errors)
    dialogue.cancellation_reason = reason
    dialogue.save(update_fields=["cancellation_reason"])
    _event(dialogue, "cancel", by, to=St.CANCELLED, note=reason)
    _tell_speakers_of_cancellation(dialogue)
    return dialogue


def _tell_speakers_of_cancellation(dialogue: Dialogue) -> None:
    from doithoai.notifications.actions import notify
    from doithoai.notifications.backends import sms_gateway

    if sms_gateway() is None:
        return
    waiting = dialogue.speaker_requests.filter(
        status__in=(SpeakerRequest.Status.REQUESTED, SpeakerRequest.Status.ACCEPTED)
    ).exclude(phone="")
    text = f'{dialogue.unit.name}: buổi "{dialogue.title}" ({_when(dialogue)}) đã bị hủy. Lý do: {dialogue.cancellation_reason}'
    for request in waiting:
        notify(
            f"dialogue-cancelled:{dialogue.pk}:speaker:{request.pk}",
            kind="status",
            channel="sms",
            recipient=request.phone,
            subject=f"Hủy buổi {dialogue.title}"[:200],
            body=text[:600],
            unit_id=dialogue.unit_id,
        )


# ------------------------------------------------------------------ announcement (thông báo)


@transaction.atomic
def compose_announcement(
    dialogue: Dialogue, *, by, base_url: str = "", portal_text: str | None = None, radio_script: str | None = None
) -> Announcement:
    """Soạn thông báo: the portal text and radio script composed from the dialogue (editable), and the radio's
    broadcast schedule from today up to the day. An unpublished draft is replaced, never duplicated."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.announce", dialogue)
    _refuse_if_cancelled(dialogue)
    if dialogue.status not in (St.SCHEDULED, St.ANNOUNCED) or not dialogue.starts_at:
        raise ActionError("Xin ấn định ngày giờ, địa điểm của buổi trước khi soạn thông báo.")
    errors: dict[str, list[str]] = {}
    portal = _text(portal_text, "portal_text", errors) if portal_text is not None else ""
    radio = _text(radio_script, "radio_script", errors) if radio_script is not None else ""
    if errors:
        raise ValidationError(errors)
    draft = dialogue.announcements.filter(published_at__isnull=True).order_by("-pk").first() or Announcement(
        dialogue=dialogue
    )
    draft.portal_text = portal or announcing.portal_text(dialogue, base_url)
    draft.radio_script = radio or announcing.radio_script(dialogue)
    draft.broadcast_schedule = announcing.broadcast_schedule(dialogue, clock.today(), after=clock.now())
    draft.save()
    return draft


@transaction.atomic
def publish_announcement(announcement: Announcement, *, by, late_reason: str = "") -> Announcement:
    """Đăng thông báo: published on the portal (and handed to the radio) now; the time is kept as evidence, and
    so are the last allowed day and whether the publication was late. Publishing completes the announcing task
    of the plan for this dialogue, and moves the dialogue to "announced"."""
    dialogue = _locked(announcement.dialogue)
    _require(by, "dialogue.announce", dialogue)
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.published_at is not None:
        raise ActionError("Thông báo này đã được đăng.")
    _refuse_if_cancelled(dialogue)
    if dialogue.status not in (St.SCHEDULED, St.ANNOUNCED) or not dialogue.starts_at:
        raise ActionError("Chỉ đăng thông báo cho buổi đã ấn định thời gian và chưa diễn ra.")
    now = clock.now()
    if now >= dialogue.starts_at:
        raise ActionError("Buổi đã bắt đầu: không đăng thông báo nữa.")
    late = dialogue.announcement_is_late(now)
    reason = nfc(late_reason)[:2000]
    if late and not reason:
        raise ValidationError({"late_reason": ["Đăng muộn hơn hạn 07 ngày: xin ghi lý do (được lưu làm căn cứ)."]})
    announcement.published_at, announcement.published_by = now, by
    announcement.last_allowed_on = dialogue.last_announcement_day
    announcement.is_late, announcement.late_reason = late, reason if late else ""
    announcement.save()
    note = "Đăng muộn" + (f": {reason}" if reason else "") if late else "Đăng đúng hạn"
    _event(dialogue, "announce", by, to=St.ANNOUNCED, note=note)
    PlanTask.objects.filter(dialogue=dialogue, purpose=PlanTask.Purpose.ANNOUNCE, done_at__isnull=True).update(
        done_at=now, done_by=by
    )
    return announcement


@transaction.atomic
def announce(
    dialogue: Dialogue,
    *,
    by,
    portal_text: str | None = None,
    radio_script: str | None = None,
    late_reason: str = "",
    base_url: str = "",
) -> Announcement:
    """Đăng thông báo as one step: the texts as edited (composed from the dialogue when not given) are saved and
    published at once; a refusal (late without a reason …) keeps neither."""
    draft = compose_announcement(dialogue, by=by, base_url=base_url, portal_text=portal_text, radio_script=radio_script)
    return publish_announcement(draft, by=by, late_reason=late_reason)


# ------------------------------------------------------------------ invitations (giấy mời)


@transaction.atomic
def invite(dialogue: Dialogue, *, organizations=(), persons=(), by) -> list[Invitation]:
    """Mời: organisations and persons invited to the dialogue (an invitee already invited is left as it is)."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.edit", dialogue)
    _refuse_if_cancelled(dialogue)
    if dialogue.status not in (St.PLANNED, St.SCHEDULED, St.ANNOUNCED):
        raise ActionError("Buổi đã diễn ra: không gửi giấy mời nữa.")
    organizations = list({o.pk: o for o in organizations}.values())  # the same invitee twice: one invitation
    persons = list({p.pk: p for p in persons}.values())
    for org in organizations:
        if org.unit_id != dialogue.unit_id:
            raise ValidationError({"organizations": [f"{org.name} không thuộc đơn vị này."]})
    for person in persons:
        if person.unit_id != dialogue.unit_id:
            raise ValidationError({"persons": [f"{person} không thuộc đơn vị này."]})
    have_orgs = set(dialogue.invitations.exclude(organization=None).values_list("organization_id", flat=True))
    have_people = set(dialogue.invitations.exclude(person=None).values_list("person_id", flat=True))
    now = clock.now()
    created = [
        Invitation(dialogue=dialogue, organization=o, sent_at=now) for o in organizations if o.pk not in have_orgs
    ]
    created += [Invitation(dialogue=dialogue, person=p, sent_at=now) for p in persons if p.pk not in have_people]
    Invitation.objects.bulk_create(created)
    if created:
        _event(dialogue, "invite", by, note=f"Gửi {len(created)} giấy mời")
    return created


@transaction.atomic
def record_reply(invitation: Invitation, *, reply: str, by, note: str = "") -> Invitation:
    """Ghi trả lời giấy mời: attending or not (by the invitee's organisation or the office)."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("dialogue").get(pk=invitation.pk)
    own = invitation.organization_id and invitation.organization_id in {
        o.pk for o in permissions.organizations_for(by, *permissions.Role.values)
    }
    if not own:
        _require(by, "dialogue.edit", invitation.dialogue)
    if reply not in Invitation.Reply.values:
        raise ValidationError({"reply": ["Trả lời không hợp lệ."]})
    _refuse_if_cancelled(invitation.dialogue)
    if invitation.dialogue.status not in (St.PLANNED, St.SCHEDULED, St.ANNOUNCED):
        raise ActionError("Buổi đã diễn ra: không đổi trả lời giấy mời.")
    invitation.reply, invitation.replied_at, invitation.note = reply, clock.now(), nfc_line(note)[:255]
    invitation.save(update_fields=["reply", "replied_at", "note"])
    return invitation


@transaction.atomic
def record_attendance(dialogue: Dialogue, present: set[int], *, by) -> int:
    """Điểm danh: who of the invited was present on the day (invitation ids); the others are marked absent."""
    dialogue = _locked(dialogue)
    _require(by, "dialogue.console", dialogue)
    _refuse_if_cancelled(dialogue)
    if dialogue.status not in (St.SCHEDULED, St.ANNOUNCED, St.HELD):
        raise ActionError("Chỉ điểm danh cho buổi đã ấn định thời gian.")
    if not dialogue.has_started:
        raise ActionError("Điểm danh được từ giờ bắt đầu của buổi.")
    invitations = dialogue.invitations.all()
    invitations.filter(pk__in=present).update(attended=True)
    invitations.exclude(pk__in=present).update(attended=False)
    count = invitations.filter(attended=True).count()
    _event(dialogue, "attendance", by, note=f"{count} đại biểu có mặt")
    return count


# ------------------------------------------------------------------ speakers (đăng ký phát biểu)


def new_slip_code() -> str:
    """A pre-printed slip's code: 8 characters that handwriting cannot confuse, grouped for reading."""
    raw = "".join(secrets.choice(SLIP_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


@transaction.atomic
def print_slips(dialogue: Dialogue, *, kind: str, count: int, by) -> list[PrintedSlip]:
    """In phiếu: codes for slips printed before or at the dialogue (speaker or opinion slips), each usable once;
    by the office or the dialogue's secretary and receivers, who run the hall."""
    _require(by, "dialogue.console", dialogue)
    _refuse_if_cancelled(dialogue)
    if dialogue.status == St.CONCLUDED:
        raise ActionError("Buổi đã kết thúc: không in phiếu nữa.")
    if kind not in PrintedSlip.Kind.values:
        raise ValidationError({"kind": ["Loại phiếu không hợp lệ."]})
    if not 1 <= count <= 500:
        raise ValidationError({"count": ["Mỗi lần in từ 1 đến 500 phiếu."]})
    now, slips = clock.now(), []
    while len(slips) < count:
        try:
            with transaction.atomic():
                slips.append(
                    PrintedSlip.objects.create(dialogue=dialogue, kind=kind, code=new_slip_code(), printed_at=now)
                )
        except IntegrityError:  # the same code drawn twice (1 in 10^11): draw again
            continue
    _event(dialogue, "print_slips", by, note=f"In {count} {PrintedSlip.Kind(kind).label.lower()}")
    return slips


@transaction.atomic
def register_speaker(
    dialogue: Dialogue,
    *,
    name: str,
    summary: str,
    phone: str = "",
    on_behalf_of: str = "",
    organization: Organization | None = None,
    topic=None,
    as_business: bool = False,
    slip_code: str = "",
    by=None,
) -> SpeakerRequest:
    """Đăng ký phát biểu: online by anyone before the dialogue starts, or typed in by staff (also from a printed
    slip, under the slip's code). The request joins the end of the queue."""
    dialogue = _locked(dialogue)
    if dialogue.speaker_queue_closed:
        raise ActionError(queue_closed_message(dialogue))
    staff = by is not None and permissions.can(by, "dialogue.console", dialogue)
    errors: dict[str, list[str]] = {}
    name = _text(name, "name", errors, required=True, limit=120, line=True)
    summary = _text(summary, "summary", errors, required=True, limit=2000)
    on_behalf_of = _text(on_behalf_of, "on_behalf_of", errors, limit=200, line=True)
    try:
        phone = normalise_phone(phone)
    except ValidationError as error:
        errors.setdefault("phone", []).extend(error.messages)
    if organization is not None and organization.unit_id != dialogue.unit_id:
        errors.setdefault("organization", []).append("Không thuộc đơn vị này.")
    if dialogue.status not in OPEN_FOR_SPEAKERS and not (staff and dialogue.status == St.HELD):
        errors.setdefault("__all__", []).append("Buổi này không còn nhận đăng ký phát biểu.")
    elif not staff and dialogue.starts_at and clock.now() >= dialogue.starts_at:
        errors.setdefault("__all__", []).append(
            "Buổi đã bắt đầu: xin đăng ký trực tiếp với bộ phận tiếp nhận tại hội trường."
        )
    slip = None
    slip_code = nfc_line(slip_code).upper().replace(" ", "")
    if slip_code:
        if not staff:
            raise ActionError("Mã phiếu in sẵn chỉ do cán bộ nhập.")
        slip = PrintedSlip.objects.select_for_update().filter(code=slip_code, kind=PrintedSlip.Kind.SPEAKER).first()
        if slip is None or slip.dialogue_id != dialogue.pk:
            errors.setdefault("slip_code", []).append("Không có phiếu đăng ký phát biểu với mã này cho buổi này.")
        elif slip.used_at is not None:
            errors.setdefault("slip_code", []).append("Phiếu có mã này đã được nhập.")
    if errors:
        raise ValidationError(errors)
    last = dialogue.speaker_requests.aggregate(m=Max("position"))["m"] or 0
    request = SpeakerRequest.objects.create(
        dialogue=dialogue,
        name=name,
        phone=phone,
        on_behalf_of=on_behalf_of,
        organization=organization,
        topic=topic,
        summary=summary,
        as_business=as_business or bool(organization and organization.kind == "business"),
        position=last + 1,
        slip_code=slip_code or None,
    )
    if slip is not None:
        slip.used_at = clock.now()
        slip.save(update_fields=["used_at"])
    return request


def _speaker(request: SpeakerRequest, by) -> SpeakerRequest:
    """The request, locked with its dialogue (a conclusion and a change of the queue never cross), if the actor
    works this dialogue's console and the queue is still open."""
    dialogue = _locked(Dialogue(pk=request.dialogue_id))  # the dialogue first, as every action takes them
    request = SpeakerRequest.objects.select_for_update().get(pk=request.pk)
    request.dialogue = dialogue
    _require(by, "dialogue.console", request.dialogue)
    if request.dialogue.speaker_queue_closed:
        raise ActionError(queue_closed_message(request.dialogue))
    return request


@transaction.atomic
def accept_speaker(request: SpeakerRequest, *, by) -> SpeakerRequest:
    """Nhận phát biểu: the request is accepted into the order of speakers."""
    request = _speaker(request, by)
    if request.status != SpeakerRequest.Status.REQUESTED:
        raise ActionError("Chỉ nhận được đăng ký đang chờ.")
    request.status = SpeakerRequest.Status.ACCEPTED
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def mark_spoken(request: SpeakerRequest, *, by) -> SpeakerRequest:
    """Đã phát biểu: an accepted speaker has spoken (at the dialogue, once it has started)."""
    request = _speaker(request, by)
    if request.status != SpeakerRequest.Status.ACCEPTED:
        raise ActionError("Chỉ ghi đã phát biểu cho người đã được nhận phát biểu.")
    if not request.dialogue.starts_at or request.dialogue.starts_at > clock.now():
        raise ActionError("Buổi chưa bắt đầu.")
    request.status = SpeakerRequest.Status.SPOKE
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def withdraw_speaker(request: SpeakerRequest, *, by) -> SpeakerRequest:
    """Rút đăng ký: the speaker withdraws (or the office records it)."""
    request = _speaker(request, by)
    if request.status not in (SpeakerRequest.Status.REQUESTED, SpeakerRequest.Status.ACCEPTED):
        raise ActionError("Đăng ký này đã kết thúc.")
    request.status = SpeakerRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def move_speaker(request: SpeakerRequest, *, to: int, by) -> list[SpeakerRequest]:
    """Đổi thứ tự: put a request at a position in the queue (1 = first); the others keep their order."""
    request = _speaker(request, by)
    if request.status == SpeakerRequest.Status.WITHDRAWN:
        raise ActionError("Đăng ký đã rút: không xếp vào hàng chờ.")
    queue = list(
        SpeakerRequest.objects.select_for_update()
        .filter(dialogue_id=request.dialogue_id)
        .exclude(status=SpeakerRequest.Status.WITHDRAWN)
        .order_by("position", "created_at", "pk")
    )
    queue = [r for r in queue if r.pk != request.pk]
    to = max(1, min(to, len(queue) + 1))
    queue.insert(to - 1, request)
    for position, item in enumerate(queue, start=1):
        item.position = position
    SpeakerRequest.objects.bulk_update(queue, ["position"])
    return queue


# ------------------------------------------------------------------ reception days (ngày tiếp công dân)


@transaction.atomic
def add_reception_day(
    unit: Unit, *, starts_at: dt.datetime, ends_at: dt.datetime | None, place: str, by, chair_post: Post | None = None
) -> Dialogue:
    """Lịch tiếp công dân: a reception day of the secretary (at least 2 a month for a commune secretary)."""
    _require(by, "dialogue.edit", unit)
    errors: dict[str, list[str]] = {}
    place = _text(place, "place", errors, required=True, limit=200, line=True)
    if ends_at is not None and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append("Giờ kết thúc phải sau giờ bắt đầu.")
    if chair_post is not None and chair_post.unit_id != unit.pk:
        errors.setdefault("chair_post", []).append("Không thuộc đơn vị này.")
    day = timezone.localdate(starts_at)
    if Dialogue.objects.filter(unit=unit, kind=Dialogue.Kind.RECEPTION, starts_at__date=day).exists():
        errors.setdefault("starts_at", []).append("Ngày này đã có lịch tiếp công dân.")
    if errors:
        raise ValidationError(errors)
    who = chair_post.title if chair_post else "Bí thư Đảng ủy"
    dialogue = Dialogue.objects.create(
        unit=unit,
        kind=Dialogue.Kind.RECEPTION,
        title=f"Tiếp công dân định kỳ của đồng chí {who}",
        tentative_month=day.replace(day=1),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        chair_post=chair_post,
    )
    _event(dialogue, "create", by, to=St.SCHEDULED, note=f"Ngày tiếp công dân {day:%d/%m/%Y}")
    return dialogue
