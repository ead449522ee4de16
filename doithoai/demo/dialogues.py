"""The demo's plans: 66-KH/ĐU and the 2026 plan that replaces it, their dialogues, tasks and reception days."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from doithoai.documents.actions import issue_number, register_for
from doithoai.documents.models import Document, DocumentRegister
from doithoai.lib.clock import local_datetime
from doithoai.plans import announcing
from doithoai.plans.actions import SECTION_III
from doithoai.plans.models import (
    AgendaItem,
    Announcement,
    Dialogue,
    DialogueEvent,
    DialogueMember,
    Invitation,
    Plan,
    PlanTask,
)

from . import plan_text
from .commune import DIALOGUE_ACCOUNTS, Commune

Kind = Dialogue.Kind
Status = Dialogue.Status

# key: (kind, title, date, start hour:minute, end hour:minute, under the old plan)
DIALOGUES = {
    "q1": (
        Kind.REGULAR,
        "Giao ban quý I năm 2026 với Ủy ban MTTQ và các tổ chức chính trị - xã hội",
        dt.date(2026, 3, 20),
        (8, 0),
        (11, 0),
        True,
    ),
    "q2": (
        Kind.REGULAR,
        "Giao ban quý II năm 2026 với Ủy ban MTTQ và các tổ chức chính trị - xã hội",
        dt.date(2026, 6, 5),
        (8, 0),
        (11, 0),
        False,
    ),
    "june": (
        Kind.CONFERENCE,
        "Hội nghị tiếp xúc, đối thoại trực tiếp của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã "
        "với cán bộ, đoàn viên, hội viên và Nhân dân năm 2026",
        dt.date(2026, 6, 19),
        (8, 0),
        (11, 30),
        False,
    ),
    "q3": (
        Kind.REGULAR,
        "Giao ban quý III năm 2026 với Ủy ban MTTQ và các tổ chức chính trị - xã hội",
        dt.date(2026, 9, 18),
        (8, 0),
        (11, 0),
        False,
    ),
    "october": (
        Kind.BUSINESS,
        "Hội nghị đối thoại của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã với các công ty, "
        "doanh nghiệp trên địa bàn xã năm 2026",
        dt.date(2026, 10, 16),
        (14, 0),
        (17, 0),
        False,
    ),
    "q4": (
        Kind.REGULAR,
        "Giao ban quý IV năm 2026 với Ủy ban MTTQ và các tổ chức chính trị - xã hội",
        dt.date(2026, 12, 18),
        (8, 0),
        (11, 0),
        False,
    ),
}

AUDIENCE = {
    Kind.REGULAR: "Đại diện lãnh đạo Ủy ban MTTQ, các tổ chức chính trị - xã hội xã; đại diện cán bộ, đoàn viên, "
    "hội viên và Nhân dân.",
    Kind.CONFERENCE: "Cán bộ, đảng viên, đoàn viên, hội viên của Ủy ban MTTQ, các tổ chức chính trị - xã hội và Nhân "
    "dân xã; lãnh đạo các cơ quan chuyên môn của xã.",
    Kind.BUSINESS: "Đại diện các công ty, doanh nghiệp, hợp tác xã hoạt động trên địa bàn xã; lãnh đạo các cơ quan "
    "chuyên môn của xã.",
}

ANNOUNCED = {"june": dt.datetime(2026, 6, 10, 9, 15), "october": dt.datetime(2026, 10, 8, 8, 40)}

MINUTES = {
    Kind.REGULAR: "Hội nghị giao ban do đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã chủ trì. Các đoàn thể báo cáo kết "
    "quả công tác trong quý, phản ánh tâm tư, nguyện vọng của đoàn viên, hội viên. Các cơ quan chuyên môn trao "
    "đổi, làm rõ những nội dung thuộc chức năng, nhiệm vụ.",
    Kind.CONFERENCE: "Hội nghị có 186 đại biểu tham dự. Đại diện lãnh đạo Văn phòng Đảng ủy tuyên bố lý do, giới "
    "thiệu đại biểu, chủ tọa, thư ký và bộ phận tiếp nhận ý kiến. Đồng chí Bí thư Đảng ủy thông báo nội dung, "
    "phương pháp đối thoại. Có 14 lượt đại biểu phát biểu; chủ trì trả lời trực tiếp và phân công lãnh đạo các "
    "cơ quan trả lời các ý kiến thuộc thẩm quyền.",
    Kind.BUSINESS: "Hội nghị có 42 đại biểu của 27 công ty, doanh nghiệp, hợp tác xã tham dự. Các doanh nghiệp nêu "
    "khó khăn về mặt bằng sản xuất, thủ tục hành chính, hạ tầng điện, giao thông và tuyển dụng lao động; lãnh đạo "
    "các cơ quan chuyên môn trả lời trực tiếp các nội dung thuộc thẩm quyền.",
}

CONCLUSION = {
    Kind.REGULAR: "Chủ trì đề nghị các đoàn thể tiếp tục nắm bắt tâm tư, nguyện vọng của đoàn viên, hội viên; giao "
    "Văn phòng Đảng ủy tổng hợp các ý kiến, kiến nghị, giao cơ quan chuyên môn tham mưu giải quyết, báo cáo "
    "Thường trực Đảng ủy tại kỳ giao ban sau.",
    Kind.CONFERENCE: "Chủ trì ghi nhận các ý kiến tâm huyết, trách nhiệm của đại biểu. Giao Văn phòng Đảng ủy tổng "
    "hợp, phân loại toàn bộ ý kiến; Phòng Kinh tế, Phòng Văn hóa - Xã hội, Công an xã và các cơ quan liên quan "
    "giải quyết dứt điểm các nội dung thuộc thẩm quyền trong quý III/2026; tổng hợp, gửi cấp có thẩm quyền những "
    "nội dung vượt thẩm quyền của xã; kết quả công khai trên Cổng thông tin điện tử xã.",
    Kind.BUSINESS: "Chủ trì khẳng định Đảng ủy, chính quyền xã luôn đồng hành với doanh nghiệp. Giao Trung tâm Phục "
    "vụ hành chính công rút ngắn thời gian giải quyết thủ tục; Phòng Kinh tế phối hợp Công ty Điện lực và các sở "
    "tháo gỡ vướng mắc về hạ tầng, mặt bằng; kết quả báo cáo Thường trực Đảng ủy trước ngày 15/12/2026.",
}


@dataclass
class PlanSet:
    old_plan: Plan
    plan: Plan
    dialogues: dict[str, Dialogue]
    receptions: list[Dialogue]


def _plan_document(commune: Commune, issued_on: dt.date, summary: str, number: int | None = None) -> Document:
    register = register_for(
        commune.orgs["Đảng ủy xã"],
        DocumentRegister.DocType.KE_HOACH,
        issued_on,
        style=DocumentRegister.Style.PARTY,
        body_symbol="ĐU",
    )
    if number is not None:  # a plan numbered on the paper register before the system was used
        register.numbers_before_system = number - 1
        register.save(update_fields=["numbers_before_system"])
    return issue_number(register, issued_on=issued_on, summary=summary, signer_post=commune.posts["Bí thư Đảng ủy xã"])


def create_plans(commune: Commune, today: dt.date) -> PlanSet:
    unit, chair = commune.unit, commune.posts["Bí thư Đảng ủy xã"]
    old_plan = Plan.objects.create(
        unit=unit,
        year=2026,
        title=plan_text.OLD_PLAN_TITLE,
        issued_on=dt.date(2026, 1, 31),
        document=_plan_document(commune, dt.date(2026, 1, 31), plan_text.OLD_PLAN_TITLE, number=66),
        legal_bases=plan_text.OLD_PLAN_LEGAL_BASES,
        schedule=plan_text.OLD_PLAN_SCHEDULE,
        place=plan_text.PLACE,
        distribution="\n".join(plan_text.DISTRIBUTION),
        signing_authority=plan_text.SIGNING_AUTHORITY,
        signer_post=chair,
    )
    issued = dt.date(2026, 4, 24)  # demo value: after Quy chế 08-QC/TU of 15/4/2026, which the plan cites
    plan = Plan.objects.create(
        unit=unit,
        year=2026,
        title=plan_text.TITLE,
        issued_on=issued,
        document=_plan_document(commune, issued, plan_text.TITLE),
        is_demo_number=True,
        legal_bases=plan_text.LEGAL_BASES,
        purposes=plan_text.PURPOSES,
        requirements=plan_text.REQUIREMENTS,
        audiences=plan_text.AUDIENCES,
        content=plan_text.CONTENT,
        forms=plan_text.FORMS,
        schedule=plan_text.SCHEDULE,
        place=plan_text.PLACE,
        proceedings=plan_text.PROCEEDINGS,
        implementation=plan_text.IMPLEMENTATION,
        closing=plan_text.CLOSING,
        distribution="\n".join(plan_text.DISTRIBUTION),
        signing_authority=plan_text.SIGNING_AUTHORITY,
        signer_post=chair,
        supersedes=old_plan,
    )
    dialogues = {key: _dialogue(commune, old_plan if old else plan, key, today) for key, (*_, old) in DIALOGUES.items()}
    _tasks(commune, plan, dialogues, today)
    receptions = _reception_days(commune, today)
    return PlanSet(old_plan=old_plan, plan=plan, dialogues=dialogues, receptions=receptions)


def _dialogue(commune: Commune, plan: Plan, key: str, today: dt.date) -> Dialogue:
    kind, title, day, (h1, m1), (h2, m2), _old = DIALOGUES[key]
    starts = local_datetime(day, h1, m1)
    past = day < today
    announced = ANNOUNCED.get(key)
    if past:
        status = Status.CONCLUDED
    elif announced and announced.date() <= today:
        status = Status.ANNOUNCED
    else:
        status = Status.SCHEDULED
    dialogue = Dialogue.objects.create(
        unit=commune.unit,
        plan=plan,
        kind=kind,
        title=title,
        audience=AUDIENCE[kind],
        content=plan_text.CONTENT.split("\n\n")[0],
        tentative_month=day.replace(day=1),
        starts_at=starts,
        ends_at=local_datetime(day, h2, m2),
        place=plan_text.PLACE,
        chair_post=commune.posts["Bí thư Đảng ủy xã"],
        status=status,
        minutes=MINUTES[kind] if past else "",
        conclusion=CONCLUSION[kind] if past else "",
        results_published_at=local_datetime(day + dt.timedelta(days=7), 9) if past and kind != Kind.REGULAR else None,
    )
    for position, (step, presenter) in enumerate(plan_text.AGENDA, start=1):
        AgendaItem.objects.create(dialogue=dialogue, position=position, title=step, presenter=presenter)
    for username, _name, seat in DIALOGUE_ACCOUNTS:
        DialogueMember.objects.create(dialogue=dialogue, user=commune.users[username], role=seat)
    invited = _invitations(commune, dialogue, today)
    if announced and announced.date() <= today:
        _announcement(commune, dialogue, announced)
    _history(commune, dialogue, plan, announced if announced and announced.date() <= today else None, invited)
    return dialogue


def _history(commune: Commune, dialogue: Dialogue, plan: Plan, announced: dt.datetime | None, invited: int) -> None:
    """The dialogue's history as the office lived it: created with the plan, dated a month ahead, invitations
    sent, announced, held, concluded."""
    start = dialogue.starts_at
    office, centre = commune.users["vanphong"], commune.users["trungtam"]
    steps = [
        (local_datetime(plan.issued_on, 15), office, "create", "", "planned", "Tạo từ kế hoạch"),
        (
            start - dt.timedelta(days=30),
            office,
            "schedule",
            "planned",
            "scheduled",
            f"{timezone.localtime(start):%H:%M %d/%m/%Y}, {dialogue.place}",
        ),
    ]
    if invited:
        steps.append((_invitations_sent_at(dialogue), office, "invite", "", "", f"Gửi {invited} giấy mời"))
    if announced:
        at = local_datetime(announced.date(), announced.hour, announced.minute)
        steps.append((at, centre, "announce", "scheduled", "announced", "Đăng đúng hạn"))
    if dialogue.status == Status.CONCLUDED:
        before = "announced" if announced else "scheduled"
        steps.append((dialogue.ends_at, office, "hold", before, "held", ""))
        steps.append(
            (
                dialogue.ends_at + dt.timedelta(days=2),
                commune.users["bithu"],
                "conclude",
                "held",
                "concluded",
                "Kết luận của đồng chí Bí thư Đảng ủy, Chủ tịch HĐND xã",
            )
        )
    DialogueEvent.objects.bulk_create(
        DialogueEvent(dialogue=dialogue, at=at, actor=actor, action=action, from_status=old, to_status=new, note=note)
        for at, actor, action, old, new, note in steps
    )


INVITATIONS_AHEAD = 14  # days: the office sends the invitations two weeks before the dialogue


def _invitations_sent_at(dialogue: Dialogue) -> dt.datetime:
    return local_datetime(timezone.localdate(dialogue.starts_at) - dt.timedelta(days=INVITATIONS_AHEAD), 9)


def _invitations(commune: Commune, dialogue: Dialogue, today: dt.date) -> int:
    """The invitations as lived up to today: sent two weeks ahead (none yet before that day); each invitee
    replies one to six days after receiving it — a reply that would fall on today or later is still pending;
    after a held dialogue everyone replied and came. The number sent."""
    sent = _invitations_sent_at(dialogue)
    if timezone.localdate(sent) >= today:  # sent later today or on a later day: not yet
        return 0
    kinds = {
        Kind.REGULAR: ("mass_org", "agency"),
        Kind.CONFERENCE: ("mass_org", "agency", "party_cell", "village"),
        Kind.BUSINESS: ("business", "agency"),
    }[dialogue.kind]
    held = timezone.localdate(dialogue.starts_at) < today
    rows = []
    for index, org in enumerate(o for o in commune.orgs.values() if o.kind in kinds):
        replied = sent + dt.timedelta(days=1 + index % 6, hours=index % 5)
        has_replied = held or timezone.localdate(replied) < today
        rows.append(
            Invitation(
                dialogue=dialogue,
                organization=org,
                sent_at=sent,
                reply=Invitation.Reply.ACCEPTED if has_replied else Invitation.Reply.PENDING,
                replied_at=replied if has_replied else None,
                attended=True if held else None,
            )
        )
    Invitation.objects.bulk_create(rows)
    return len(rows)


def _announcement(commune: Commune, dialogue: Dialogue, published: dt.datetime) -> None:
    """Composed by the same functions as the announcement page, published on the demo's recorded day."""
    at = local_datetime(published.date(), published.hour, published.minute)
    Announcement.objects.create(
        dialogue=dialogue,
        portal_text=announcing.portal_text(dialogue),
        radio_script=announcing.radio_script(dialogue),
        broadcast_schedule=announcing.broadcast_schedule(dialogue, published.date()),
        published_at=at,
        published_by=commune.users["trungtam"],
        last_allowed_on=dialogue.last_announcement_day,
        is_late=dialogue.announcement_is_late(at),
    )


def _tasks(commune: Commune, plan: Plan, dialogues: dict[str, Dialogue], today: dt.date) -> None:
    orgs, Purpose = commune.orgs, PlanTask.Purpose

    def task(org_name, section, purpose, title, due, dialogue=None, done=None, by="vanphong"):
        finished = done if done is not None else due - dt.timedelta(days=1)
        is_done = finished <= today and org_name != "Chi bộ Trường THCS Tân Yên"
        PlanTask.objects.create(
            plan=plan,
            organization=orgs[org_name],
            section=section,
            purpose=purpose,
            title=title,
            due_on=due,
            dialogue=dialogue,
            done_at=local_datetime(finished, 16) if is_done else None,
            done_by=commune.users.get(by) if is_done else None,
        )

    spread = SECTION_III[Purpose.PASS_ON]
    for offset, cell in enumerate(o for o in orgs.values() if o.kind == "party_cell"):
        task(
            cell.name,
            "III.1",
            Purpose.PASS_ON,
            spread,
            dt.date(2026, 5, 15),
            done=dt.date(2026, 5, 5) + dt.timedelta(days=offset),
        )
    gather = SECTION_III[Purpose.GATHER]
    attend = "Bố trí lãnh đạo tham dự hội nghị và trả lời những vấn đề thuộc chức năng, nhiệm vụ của đơn vị"
    for key in ("june", "october", "q4"):
        dialogue = dialogues[key]
        day = timezone.localdate(dialogue.starts_at)
        if key != "october":
            for org in (o for o in orgs.values() if o.kind == "mass_org"):
                task(org.name, "III.2", Purpose.GATHER, gather, day - dt.timedelta(days=7), dialogue, by=None)
        for name in ("Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội"):
            task(name, "III.2", Purpose.ATTEND, attend, day, dialogue, done=day, by=None)
        task(
            "Văn phòng Đảng ủy",
            "III.3",
            Purpose.ORGANISE,
            "Triển khai nội dung, chương trình hội nghị; chuẩn bị giấy mời, tài liệu",
            day - dt.timedelta(days=10),
            dialogue,
        )
        task(
            "Văn phòng Đảng ủy",
            "III.3",
            Purpose.CONSOLIDATE,
            "Tổng hợp, phân loại ý kiến, kiến nghị; giao cơ quan, đơn vị liên quan tham mưu giải trình",
            day + dt.timedelta(days=5),
            dialogue,
        )
        if dialogue.needs_announcement:
            published = ANNOUNCED[key].date()
            task(
                "Trung tâm Cung ứng dịch vụ sự nghiệp công",
                "III.3",
                Purpose.ANNOUNCE,
                SECTION_III[Purpose.ANNOUNCE],
                day - dt.timedelta(days=7),
                dialogue,
                done=published,
                by="trungtam",
            )
    task(
        "Văn phòng Đảng ủy",
        "III.3",
        Purpose.REPORT,
        "Báo cáo kết quả thực hiện Kế hoạch năm 2026 với Thường trực Đảng ủy",
        dt.date(2026, 12, 25),
    )


def _reception_days(commune: Commune, today: dt.date) -> list[Dialogue]:
    """The secretary's citizen reception days: the 2nd Tuesday and the 4th Thursday of every month."""
    days = []
    for month in range(1, 13):
        first = dt.date(2026, month, 1)
        tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)
        thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
        days += [tuesday, thursday]
    receptions = []
    for day in days:
        past = day < today
        receptions.append(
            Dialogue.objects.create(
                unit=commune.unit,
                kind=Kind.RECEPTION,
                title="Tiếp công dân định kỳ của đồng chí Bí thư Đảng ủy xã",
                audience="Công dân có ý kiến, kiến nghị, phản ánh",
                tentative_month=day.replace(day=1),
                starts_at=local_datetime(day, 7, 30),
                ends_at=local_datetime(day, 11, 30),
                place="Phòng tiếp công dân - Trụ sở Đảng ủy xã",
                chair_post=commune.posts["Bí thư Đảng ủy xã"],
                status=Status.CONCLUDED if past else Status.SCHEDULED,
            )
        )
    return receptions
