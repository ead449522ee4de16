"""The demo's opinions: about 300 written for the demo, each taken through the states it would have reached
by "today", with its assignments, answers and timeline."""

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max
from django.utils import timezone

from doithoai.accounts.models import Organization
from doithoai.lib.clock import local_datetime
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.text import fold, nfc
from doithoai.notifications.models import Notification
from doithoai.petitions import actions, deadlines, history, notices
from doithoai.petitions.actions import MERGED_NOTE
from doithoai.petitions.models import Answer, Assignment, ExtensionRequest, Petition, PetitionImport, Topic
from doithoai.petitions.topics import ensure_canonical_topics
from doithoai.plans.models import Dialogue, SpeakerRequest

from .commune import Commune
from .dialogues import PlanSet

DATA = Path(__file__).parent / "data" / "petitions.jsonl"
S = Petition.Status
APPROVED_NOTE = "Thường trực Đảng ủy duyệt nội dung trả lời"  # as actions.approve_answer
DECLINE_REASON = (
    "Nội dung đã được cơ quan có thẩm quyền giải quyết bằng văn bản trước đây; Văn phòng Đảng ủy đã hướng dẫn "
    "công dân liên hệ Trung tâm Phục vụ hành chính công để được cung cấp bản sao kết quả."
)


@dataclass
class Context:
    commune: Commune
    plans: PlanSet
    today: dt.date
    topics: dict[str, Topic]
    rng: random.Random
    doc_seq: int = 100


def import_farmers_list(commune: Commune, plans: PlanSet, today: dt.date) -> int:
    """The demo's one import: Hội Nông dân's list for the quarter IV giao ban, a CSV file imported by its
    representative through the same actions as the "Nhập từ Excel" page (upload, preview, confirm). The list is
    gathered in the three weeks before the dialogue; before that it does not exist yet."""
    dialogue = plans.dialogues["q4"]
    held_on = timezone.localdate(dialogue.starts_at)
    if today <= held_on - dt.timedelta(days=21):
        return 0
    sent_on = min(today - dt.timedelta(days=1), held_on - dt.timedelta(days=8))
    representative = commune.users["hoinongdan"]
    batch = actions.upload_import(
        commune.orgs["Hội Nông dân xã"],
        data=DATA.with_name("hoi-nong-dan-quy-iv.csv").read_bytes(),
        original_name="Danh sách ý kiến Hội Nông dân quý IV.csv",
        by=representative,
        dialogue=dialogue,
        at=local_datetime(sent_on, 9, 30),
    )
    # No worker runs while the demo loads: the reading the worker would do runs here, through the same action
    # (it does nothing when the file was small enough to be read at the upload).
    batch = actions.read_import(batch.pk)
    done = actions.start_import(batch, skip_errors=False, by=representative)
    confirmed = batch.created_at + dt.timedelta(minutes=3)  # the demo shows the list confirmed that morning
    PetitionImport.objects.filter(pk=batch.pk).update(started_at=confirmed, finished_at=confirmed)
    return done.rows_done


def load_records() -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def create_opinions(commune: Commune, plans: PlanSet, today: dt.date) -> int:
    ensure_canonical_topics()
    ctx = Context(
        commune=commune,
        plans=plans,
        today=today,
        topics={t.code: t for t in Topic.objects.filter(unit__isnull=True)},
        rng=random.Random(2026),
    )
    created: dict[str, Petition] = {}
    cluster_parent: dict[str, Petition] = {}
    records = sorted(load_records(), key=lambda r: (r["received"], r["ref"]))
    for record in records:
        received = _received_at(ctx, record)
        if received.date() > today:
            continue
        petition = _create(ctx, record, received)
        created[record["ref"]] = petition
        parent = cluster_parent.get(record.get("cluster") or "")
        if parent is not None and petition.kind not in CONFIDENTIAL_KINDS:
            _merge(ctx, petition, parent)
        else:
            if record.get("cluster") and petition.kind not in CONFIDENTIAL_KINDS:
                cluster_parent[record["cluster"]] = petition
            _advance(ctx, petition, record)
    _speakers(ctx, created, records)
    _receipts(created.values())
    return len(created)


def _receipts(petitions) -> None:
    """The receipts the demo's submitters with an e-mail or a phone were sent (the outbox, /can-bo/thu-gui/), dated
    when each opinion came in; the worker of `make run` keeps them there (no mail server in the demo)."""
    for petition in petitions:
        if petition.submitter_email or petition.submitter_phone:
            notices.receipt(petition)
            Notification.objects.filter(petition=petition).update(created_at=petition.received_at)


# ------------------------------------------------------------------ intake


def _dialogue_for(ctx: Context, record: dict, day: dt.date) -> Dialogue | None:
    source = record["source"]
    if source in ctx.plans.dialogues:
        return ctx.plans.dialogues[source]
    if source == "reception":
        same_month = [d for d in ctx.plans.receptions if timezone.localdate(d.starts_at).month == day.month]
        return min(same_month, key=lambda d: abs((timezone.localdate(d.starts_at) - day).days)) if same_month else None
    return None


def _received_at(ctx: Context, record: dict) -> dt.datetime:
    day = dt.date.fromisoformat(record["received"])
    dialogue = _dialogue_for(ctx, record, day)
    rng = random.Random(record["ref"])
    if dialogue and record["channel"] not in ("org_batch", "online"):
        start = timezone.localtime(dialogue.starts_at)  # local, so that every .date() taken from it below is too
        return start + dt.timedelta(minutes=rng.randint(20, 150))
    return local_datetime(day, rng.randint(7, 16), rng.choice((0, 10, 20, 30, 40, 50)))


def _organization(ctx: Context, name: str) -> Organization | None:
    return ctx.commune.orgs.get(name) if name else None


def _village(ctx: Context, address: str) -> Organization | None:
    folded = fold(address)
    for org in ctx.commune.orgs.values():
        if org.kind == "village" and fold(org.name) in folded:
            return org
    return None


def _create(ctx: Context, record: dict, received: dt.datetime) -> Petition:
    submitter = record.get("submitter") or {}
    anonymous = bool(record.get("anonymous"))
    org_name = submitter.get("organization", "")
    day = received.date()
    dialogue = _dialogue_for(ctx, record, day)
    kind = record["kind"]
    petition = Petition.objects.create(
        unit=ctx.commune.unit,
        content=nfc(record["text"]),
        search_key=fold(record["text"]),
        public_summary="" if kind in CONFIDENTIAL_KINDS else nfc(record["summary"]),
        submitter_name="" if anonymous else nfc(submitter.get("name", "")),
        submitter_phone="" if anonymous else submitter.get("phone", ""),
        submitter_email="" if anonymous else submitter.get("email", ""),
        submitter_address="" if anonymous else nfc(submitter.get("address", "")),
        village=_village(ctx, submitter.get("address", "")),
        submitter_organization=_organization(ctx, org_name),
        submitter_organization_name=nfc(org_name),
        anonymous=anonymous,
        consent_at=received if record["channel"] in ("online", "qr_at_dialogue") else None,
        channel=record["channel"],
        dialogue=dialogue,
        kind=kind,
        received_at=received,
        deadline=deadlines.deadline_for(ctx.commune.unit, kind, record["jurisdiction"], day),
        created_by=ctx.commune.users["tiepnhan"]
        if dialogue and dialogue.kind != "reception"
        else ctx.commune.users["vanphong"],
    )
    history.record(
        petition,
        "receive",
        actor=petition.created_by if record["channel"] not in ("online", "qr_at_dialogue") else None,
        actor_label="" if petition.created_by else "Người gửi",
        to_status=S.RECEIVED,
        public=True,
        at=received,
        note=f"Tiếp nhận qua kênh: {petition.get_channel_display()}",
    )
    return petition


def _step(petition: Petition, action: str, to: str, at: dt.datetime, actor=None, **kwargs) -> None:
    history.record(petition, action, actor=actor, from_status=petition.status, to_status=to, at=at, **kwargs)
    petition.status = to


def _classify(ctx: Context, petition: Petition, record: dict, at: dt.datetime) -> None:
    petition.topic = ctx.topics[record["topic"]]
    petition.jurisdiction = record["jurisdiction"]
    _step(
        petition,
        "classify",
        S.CLASSIFIED,
        at,
        ctx.commune.users["vanphong"],
        public=True,
        note=f"Lĩnh vực: {petition.topic.name}; loại: {petition.get_kind_display()}",
    )


def _merge(ctx: Context, petition: Petition, parent: Petition) -> None:
    at = petition.received_at + dt.timedelta(days=1)
    record_topic = parent.topic
    petition.topic = record_topic
    petition.jurisdiction = parent.jurisdiction
    _step(
        petition,
        "merge",
        S.MERGED,
        at,
        ctx.commune.users["vanphong"],
        public=True,
        note=MERGED_NOTE,
        parent=parent.code,
    )
    petition.merged_into = parent
    petition.save()


# ------------------------------------------------------------------ handling


def _advance(ctx: Context, petition: Petition, record: dict) -> None:
    """Take a petition as far as it would have gone by today, deterministically."""
    rng = random.Random(f"{record['ref']}-2026")
    received = petition.received_at
    age = (ctx.today - received.date()).days
    coordinator = ctx.commune.users["vanphong"]

    if _answered_in_hall(petition, record):
        _answer_at_dialogue(ctx, petition, record, rng)
        return
    if age < 2:
        petition.save()
        return
    _classify(ctx, petition, record, received + dt.timedelta(days=1, hours=2))
    if age < 4:
        petition.save()
        return
    if petition.kind in CONFIDENTIAL_KINDS:
        law = "Luật Tố cáo" if petition.kind == "to_cao" else "Luật Khiếu nại"
        _step(
            petition,
            "legal_track",
            S.LEGAL_TRACK,
            received + dt.timedelta(days=3),
            coordinator,
            public=True,
            note=f"Chuyển {record['agency']} xử lý theo quy định của {law}.",
        )
        petition.save()
        return
    if rng.random() < 0.03:
        petition.decline_reason = DECLINE_REASON
        _step(
            petition,
            "decline",
            S.DECLINED,
            received + dt.timedelta(days=4),
            coordinator,
            public=True,
            note=DECLINE_REASON,
        )
        petition.save()
        return
    _assign(ctx, petition, record, rng, age)


def _answered_in_hall(petition: Petition, record: dict) -> bool:
    dialogue = petition.dialogue
    return (
        bool(record.get("answered_at_dialogue"))
        and dialogue is not None
        and dialogue.kind != "reception"
        and petition.kind not in CONFIDENTIAL_KINDS
    )


def _answer_at_dialogue(ctx: Context, petition: Petition, record: dict, rng: random.Random) -> None:
    """An opinion raised at a dialogue and answered there, as actions.answer_at_dialogue → approve_answer →
    publish have it: classified in the hall, the answer recorded by the secretary while the dialogue is on
    (awaiting approval, not public), approved by the chair on the next working day, published with the
    dialogue's results (most of them). Nothing of it while the dialogue is today or later (the demo holds it then).
    The entries are those the actions write (tests/demo/test_demo.py compares them)."""
    dialogue = petition.dialogue
    held_on = timezone.localdate(dialogue.starts_at)
    if held_on >= ctx.today:
        petition.save()
        return
    received, users = petition.received_at, ctx.commune.users
    _classify(ctx, petition, record, received + dt.timedelta(minutes=10))
    at = received + dt.timedelta(minutes=30)
    answer = Answer.objects.create(
        petition=petition,
        text=nfc(record["answer"]),
        source=Answer.Source.CHAIR,
        at_dialogue=True,
        answered_by=users["thuky"],
        answered_at=at,
    )
    _step(
        petition,
        "answer_at_dialogue",
        S.ANSWER_PENDING,
        at,
        users["thuky"],
        note="Chủ trì hội nghị trả lời tại hội nghị",
    )
    approved_at = local_datetime(deadlines.add_working_days(held_on, 1), 14)
    if approved_at.date() >= ctx.today:  # the chair has it in Chờ duyệt
        petition.save()
        return
    answer.approved_by, answer.approved_at, answer.public_text = users["bithu"], approved_at, answer.text
    answer.save()
    _step(petition, "approve", S.ANSWERED_AT_DIALOGUE, approved_at, users["bithu"], public=True, note=APPROVED_NOTE)
    published = dialogue.results_published_at
    if published and timezone.localdate(published) <= ctx.today and rng.random() < 0.7:
        _publish(ctx, petition, answer, max(published, approved_at + dt.timedelta(hours=1)))
    petition.save()


def _assign(ctx: Context, petition: Petition, record: dict, rng: random.Random, age: int) -> None:
    coordinator = ctx.commune.users["vanphong"]
    lead = ctx.commune.orgs[record["agency"]]
    assigned_at = petition.received_at + dt.timedelta(days=3, hours=1)
    higher = lead.kind == Organization.Kind.HIGHER_AUTHORITY
    ctx.doc_seq += 1
    assignment = Assignment.objects.create(
        petition=petition,
        lead=lead,
        assigned_by=coordinator,
        assigned_at=assigned_at,
        deadline=petition.deadline,
        instructions="Đề nghị kiểm tra, xem xét, trả lời công dân theo thẩm quyền và báo cáo kết quả về Văn phòng Đảng ủy.",
        outgoing_number=f"{ctx.doc_seq}-CV/VPĐU" if higher else "",
        outgoing_date=assigned_at.date() if higher else None,
    )
    coordinating = [ctx.commune.orgs[n] for n in record.get("coordinating", []) if n in ctx.commune.orgs]
    assignment.coordinating.set([o for o in coordinating if o.pk != lead.pk])
    if higher:
        _step(
            petition,
            "forward",
            S.FORWARDED,
            assigned_at,
            coordinator,
            public=True,
            note=f"Chuyển {lead.name} (Công văn số {assignment.outgoing_number})",
        )
    else:
        _step(
            petition,
            "assign",
            S.ASSIGNED,
            assigned_at,
            coordinator,
            public=True,
            note=f"Giao {lead.name} chủ trì giải quyết",
        )
    if age < 10:
        petition.save()
        return

    roll = rng.random()
    officer = (
        ctx.commune.users["phongkinhte"]
        if lead.name == "Phòng Kinh tế"
        else (ctx.commune.users["vanhoaxahoi"] if lead.name == "Phòng Văn hóa - Xã hội" else None)
    )
    if not higher:
        assignment.status = Assignment.Status.ACCEPTED
        history.record(
            petition,
            "accept",
            actor=officer,
            actor_label="" if officer else lead.name,
            at=assigned_at + dt.timedelta(days=1),
            note="Nhận xử lý",
        )
    still_open = age < 38 or roll < 0.12 if higher else age < 18 or roll < 0.08
    if still_open:
        if not higher and roll < 0.05:
            _extension(ctx, assignment, officer, lead)
        assignment.save()
        petition.save()
        return

    answered_at = assigned_at + dt.timedelta(days=rng.randint(6, min(age - 4, 40)))
    ctx.doc_seq += 1
    answer = Answer.objects.create(
        petition=petition,
        assignment=assignment,
        text=nfc(record["answer"]),
        source=Answer.Source.HIGHER_AUTHORITY if higher else Answer.Source.AGENCY,
        organization=lead,
        answered_by=officer or coordinator,
        answered_at=answered_at,
        document_number=f"{ctx.doc_seq}/{'BC' if not higher else 'CV'}-{lead.short_name or 'UBND'}",
        document_date=answered_at.date(),
    )
    assignment.status = Assignment.Status.ANSWERED
    assignment.save()
    _step(
        petition,
        "record_answer",
        S.ANSWER_PENDING,
        answered_at,
        officer or coordinator,
        actor_label="" if officer else lead.name,
        note=f"Văn bản trả lời số {answer.document_number}",
    )
    if (ctx.today - answered_at.date()).days < 10 and roll < 0.6:  # recent answers still await the chair
        petition.save()
        return
    approved_at = answered_at + dt.timedelta(days=2)
    answer.approved_by, answer.approved_at = ctx.commune.users["bithu"], approved_at
    answer.public_text = answer.text
    answer.save()
    _step(petition, "approve", S.ANSWERED, approved_at, ctx.commune.users["bithu"], public=True, note=APPROVED_NOTE)
    recently_approved = (ctx.today - approved_at.date()).days < 14
    if (recently_approved and roll < 0.7) or roll < 0.12 or approved_at.date() + dt.timedelta(days=3) > ctx.today:
        petition.save()
        return
    _publish(ctx, petition, answer, approved_at + dt.timedelta(days=3))
    _satisfaction(ctx, petition, answer, rng)
    petition.save()


def _extension(ctx: Context, assignment: Assignment, officer, lead: Organization) -> None:
    requested_at = assignment.assigned_at + dt.timedelta(days=8)
    new_deadline = deadlines.add_working_days(assignment.deadline, 10)
    ExtensionRequest.objects.create(
        assignment=assignment,
        requested_by=officer or ctx.commune.users["vanphong"],
        requested_at=requested_at,
        requested_deadline=new_deadline,
        reason="Cần lấy ý kiến của các hộ liên quan và khảo sát thực địa.",
        status=ExtensionRequest.Status.GRANTED,
        decided_by=ctx.commune.users["vanphong"],
        decided_at=requested_at + dt.timedelta(days=1),
        decision_note="Đồng ý gia hạn.",
    )
    history.record(
        assignment.petition,
        "extension_granted",
        actor=ctx.commune.users["vanphong"],
        at=requested_at + dt.timedelta(days=1),
        note=f"Gia hạn đến {new_deadline:%d/%m/%Y}",
    )
    assignment.deadline = new_deadline
    assignment.petition.deadline = new_deadline


def _publish(ctx: Context, petition: Petition, answer: Answer, at: dt.datetime) -> None:
    answer.published_at = at
    answer.save()
    petition.is_public = True
    petition.refresh_public_search_key(answer.public_text)
    _step(
        petition, "publish", S.CLOSED, at, ctx.commune.users["vanphong"], public=True, note="Công khai kết quả trả lời"
    )


def _satisfaction(ctx: Context, petition: Petition, answer: Answer, rng: random.Random) -> None:
    if not petition.submitter_phone or rng.random() > 0.35:
        return
    at = answer.published_at + dt.timedelta(days=rng.randint(1, 6))
    if at.date() > ctx.today:
        return
    if rng.random() < 0.12:
        answer.satisfaction = Answer.Satisfaction.UNSATISFIED
        answer.satisfaction_reason = "Đến nay thực tế vẫn chưa thay đổi, đề nghị xã kiểm tra lại."
        answer.satisfaction_at = at
        answer.is_current = False
        answer.save()
        history.record(
            petition,
            "feedback",
            actor_label="Người gửi",
            at=at,
            public=True,
            note="Chưa hài lòng",
            reason=answer.satisfaction_reason,
        )
        petition.is_public = False
        petition.refresh_public_search_key()
        # As actions.record_feedback: the answer deadline counts again from the day the case was reopened.
        petition.deadline = deadlines.deadline_for(
            petition.unit, petition.kind, petition.jurisdiction, timezone.localdate(at)
        )
        _step(
            petition,
            "reopen",
            S.CLASSIFIED,
            at,
            None,
            actor_label="Hệ thống",
            public=True,
            note="Chuyển lại Văn phòng Đảng ủy xem xét do người gửi chưa hài lòng",
        )
        petition.assignments.update(is_current=False)
    else:
        answer.satisfaction = Answer.Satisfaction.SATISFIED
        answer.satisfaction_at = at
        answer.save()
        history.record(petition, "feedback", actor_label="Người gửi", at=at, public=True, note="Hài lòng")


# ------------------------------------------------------------------ speakers


def _speakers(ctx: Context, created: dict[str, Petition], records: list[dict]) -> None:
    """Speakers of the held conferences: the opinions spoken there, in order, and a few withdrawn."""
    for key in ("june", "october"):
        dialogue = ctx.plans.dialogues[key]
        if dialogue.status not in (Dialogue.Status.HELD, Dialogue.Status.CONCLUDED):
            continue
        spoken = [
            created[r["ref"]]
            for r in records
            if r["source"] == key and r["channel"] == "spoken_at_dialogue" and r["ref"] in created
        ]
        spoken.sort(key=lambda p: p.received_at)
        for position, petition in enumerate(spoken, start=1):
            SpeakerRequest.objects.create(
                dialogue=dialogue,
                name=petition.submitter_name or "Đại biểu",
                on_behalf_of=petition.submitter_organization_name,
                organization=petition.submitter_organization,
                topic=petition.topic,
                summary=petition.public_summary or petition.content[:200],
                status=SpeakerRequest.Status.SPOKE,
                position=position,
                petition=petition,
                as_business=bool(
                    petition.submitter_organization and petition.submitter_organization.kind == "business"
                ),
            )
        last = dialogue.speaker_requests.aggregate(m=Max("position"))["m"] or 0
        for offset, name in enumerate(("Nguyễn Văn Khải", "Trần Thị Liên"), start=1):
            SpeakerRequest.objects.create(
                dialogue=dialogue,
                name=name,
                summary="Đã đăng ký nhưng nội dung đã được đại biểu trước nêu.",
                status=SpeakerRequest.Status.WITHDRAWN,
                position=last + offset,
            )
