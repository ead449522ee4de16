"""The demo loader: idempotent, and its plan matches the seed (shared/seed/ke-hoach-doi-thoai-2026.txt)."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from doithoai.accounts import permissions
from doithoai.accounts.models import Organization, Post, RoleAssignment, Unit, User
from doithoai.petitions.models import Answer, Assignment, HistoryEntry, Petition
from doithoai.plans import queries
from doithoai.plans.models import Dialogue, Plan, PlanTask

SEED_RECIPIENTS = [
    "Ban Tuyên giáo và Dân vận Tỉnh ủy (b/c),",
    "Thường trực Đảng ủy, HĐND, UBND xã,",
    "Ủy ban MTTQ và các tổ chức chính trị - xã hội xã,",
    "Các chi, đảng bộ trực thuộc,",
    "Các cơ quan, đơn vị, doanh nghiệp trên địa bàn xã,",
    "Ban Xây dựng Đảng Đảng ủy,",
    "Lưu Văn phòng Đảng ủy.",
]


def counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def test_loading_twice_changes_nothing(demo, settings):
    settings.DEMO = True
    before = counts()
    call_command("demo", "--quiet")
    assert counts() == before
    assert before["petitions.Petition"] >= 250


def test_the_demo_command_refuses_to_run_outside_demo_mode(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO = False
    with pytest.raises(CommandError, match="DOITHOAI_DEMO=1"):
        call_command("demo", "--quiet")
    assert not Unit.objects.exists()


def test_the_new_plan_replaces_66_kh_du(demo):
    unit = Unit.objects.get(slug="tan-yen")
    plan = queries.current_plan(unit, 2026)
    assert plan.supersedes.code == "66-KH/ĐU"
    assert plan.supersedes.issued_on == dt.date(2026, 1, 31)
    assert "thay thế Kế hoạch số 66-KH/ĐU ngày 31/01/2026" in plan.closing
    assert plan.issued_on > dt.date(2026, 4, 15) and plan.is_demo_number
    assert plan.code.endswith("-KH/ĐU") and plan.code != "66-KH/ĐU"


def test_the_plan_has_six_dialogues_in_june_october_and_every_quarter(demo):
    plan = queries.current_plan(Unit.objects.get(slug="tan-yen"), 2026)
    dialogues = list(queries.year_dialogues(plan))
    assert len(dialogues) == 6
    kinds = Counter(d.kind for d in dialogues)
    assert kinds == {"regular": 4, "conference": 1, "business": 1}
    by_kind = {d.kind: d for d in dialogues if d.kind != "regular"}
    assert by_kind["conference"].month.month == 6 and by_kind["business"].month.month == 10
    assert {d.place for d in dialogues} == {"Phòng họp tầng 3 - Nhà Hội thảo xã"}
    # The first quarter's giao ban was held under the plan that was replaced, and stays with it.
    q1 = next(d for d in dialogues if d.month.month == 3)
    assert q1.plan == plan.supersedes and q1.status == Dialogue.Status.CONCLUDED


def test_each_dialogue_has_the_five_steps_of_section_ii_4(demo):
    plan = queries.current_plan(Unit.objects.get(slug="tan-yen"), 2026)
    for dialogue in queries.year_dialogues(plan):
        steps = list(dialogue.agenda.order_by("position").values_list("title", flat=True))
        assert len(steps) == 5
        assert "tuyên bố lý do" in steps[0].lower() and "đăng ký phát biểu" in steps[0]
        assert steps[4] == "Chủ trì kết luận."


def test_dialogues_are_in_the_state_of_late_november(demo):
    plan = queries.current_plan(Unit.objects.get(slug="tan-yen"), 2026)
    states = {timezone.localtime(d.starts_at).month: d.status for d in queries.year_dialogues(plan)}
    assert states == {3: "concluded", 6: "concluded", 9: "concluded", 10: "concluded", 12: "scheduled"}
    conference = Dialogue.objects.get(kind="conference")
    assert conference.minutes and conference.conclusion
    assert conference.speaker_requests.filter(status="spoke").exists()
    published = conference.announcements.get().published_at
    assert timezone.localdate(published) <= conference.last_announcement_day


def test_the_plan_carries_the_seed_section_by_section(demo):
    plan = queries.current_plan(Unit.objects.get(slug="tan-yen"), 2026)
    assert plan.distribution_lines == SEED_RECIPIENTS
    assert "Quy chế số 08-QC/TU ngày 15/4/2026" in plan.legal_bases
    assert "Trọng dân, gần dân, hiểu dân, học dân và có trách nhiệm với dân" in plan.requirements
    assert "dự kiến thực hiện trong tháng 6/2026" in plan.schedule
    assert "trước 07 ngày" in plan.implementation
    assert plan.signing_authority == "T/M BAN THƯỜNG VỤ"
    assert plan.signer_post.signature_title == "BÍ THƯ"
    assert plan.signer_post.person.full_name == "Nguyễn Viết Toàn"


def test_the_chair_holds_two_posts_and_the_ubnd_chair_is_another_person(demo):
    toan = Post.objects.get(title="Bí thư Đảng ủy xã").person
    assert set(toan.posts.values_list("title", flat=True)) == {"Bí thư Đảng ủy xã", "Chủ tịch HĐND xã"}
    ubnd = Post.objects.get(title__contains="Chủ tịch UBND xã").person
    assert ubnd != toan


def test_the_commune_has_every_kind_of_organisation(demo):
    kinds = set(Organization.objects.filter(unit__slug="tan-yen").values_list("kind", flat=True))
    assert kinds == {k.value for k in Organization.Kind}
    for name in (
        "Văn phòng Đảng ủy",
        "Phòng Kinh tế",
        "Công an xã",
        "Ủy ban MTTQ xã",
        "Hội Cựu chiến binh xã",
        "Trung tâm Cung ứng dịch vụ sự nghiệp công",
        "UBND tỉnh Bắc Ninh",
    ):
        assert Organization.objects.filter(name=name).exists(), name


def test_there_is_one_demo_account_per_role(demo):
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {r.value for r in RoleAssignment.Role}
    assert User.objects.filter(username="thuky", dialogue_roles__role="secretary").exists()
    assert User.objects.filter(username="tiepnhan", dialogue_roles__role="receiver").exists()


def test_opinions_cover_every_topic_kind_channel_and_state(demo):
    petitions = Petition.objects.filter(unit__slug="tan-yen")
    assert set(petitions.exclude(topic=None).values_list("topic__code", flat=True)) >= {
        "dat_dai",
        "moi_truong",
        "giao_thong_xay_dung",
        "nong_nghiep",
        "y_te",
        "giao_duc",
        "van_hoa_xa_hoi",
        "lao_dong_chinh_sach",
        "an_ninh_trat_tu",
        "thu_tuc_hanh_chinh",
        "doanh_nghiep_kinh_te",
        "dien_nuoc_ha_tang",
        "khac",
    }
    assert set(petitions.values_list("kind", flat=True)) == {k.value for k in Petition.Kind}
    assert set(petitions.values_list("channel", flat=True)) == {c.value for c in Petition.Channel}
    states = set(petitions.values_list("status", flat=True))
    assert states >= {
        "received",
        "classified",
        "assigned",
        "forwarded",
        "answered_at_dialogue",
        "answer_pending",
        "answered",
        "closed",
        "merged",
        "legal_track",
    }


def test_every_opinion_has_a_timeline_that_starts_with_its_receipt(demo):
    first = HistoryEntry.objects.filter(action="receive").values_list("petition_id", flat=True)
    assert set(first) == set(Petition.objects.values_list("pk", flat=True))
    for petition in Petition.objects.exclude(status="received")[:50]:
        steps = list(petition.history.values_list("to_status", flat=True))
        assert petition.status in steps


def test_complaints_and_denunciations_are_never_public_or_merged(demo):
    legal = Petition.objects.filter(kind__in=["khieu_nai", "to_cao"])
    assert legal.exists()
    assert not legal.filter(is_public=True).exists() and not legal.filter(status="merged").exists()


def test_published_answers_are_approved_and_some_overdue_work_remains(demo):
    assert Answer.objects.filter(published_at__isnull=False, approved_at__isnull=True).count() == 0
    assert Answer.objects.filter(published_at__isnull=False).count() >= 30
    assert Assignment.objects.filter(lead__kind="higher_authority").exclude(outgoing_number="").exists()

    assert Petition.objects.overdue().exists()


def test_tasks_of_section_iii_with_one_party_cell_not_confirmed(demo):
    plan = Plan.objects.get(supersedes__isnull=False)
    sections = set(plan.tasks.values_list("section", flat=True))
    assert sections == {"III.1", "III.2", "III.3"}
    cells = PlanTask.objects.filter(plan=plan, section="III.1")
    assert cells.count() == 5 and cells.filter(done_at__isnull=True).count() == 1


def test_agency_account_sees_only_its_own_assignments_in_the_demo(demo):
    officer = User.objects.get(username="phongkinhte")
    visible = permissions.petitions_visible_to(officer)
    assert visible.exists()
    assert (
        not visible.exclude(assignments__lead__name="Phòng Kinh tế")
        .exclude(assignments__coordinating__name="Phòng Kinh tế")
        .exists()
    )


@pytest.mark.parametrize("day", ["2026-06-30", "2026-12-31"])
def test_the_demo_follows_the_configured_today(db, day):
    from doithoai.demo.loader import load_demo

    load_demo(today=dt.date.fromisoformat(day))
    last = Petition.objects.order_by("-received_at").first().received_at
    assert timezone.localdate(last) <= dt.date.fromisoformat(day)
    october = Dialogue.objects.get(kind="business")
    assert october.status == ("concluded" if day == "2026-12-31" else "scheduled")


@pytest.mark.parametrize("now", ["2026-11-27 09:00 +0700", "2026-12-08 09:00 +0700", "2026-12-08 00:30 +0700"])
def test_no_invitation_is_answered_before_it_was_sent(db, now):
    """The story up to "today": invitations go out two weeks ahead; a reply comes after its invitation and
    before now; after a held dialogue everyone answered and came; before the sending day there are none."""
    import time_machine

    from doithoai.demo.loader import load_demo
    from doithoai.plans.models import DialogueEvent, Invitation

    with time_machine.travel(now, tick=False):
        load_demo()
        now_at = timezone.now()
        for invitation in Invitation.objects.select_related("dialogue"):
            assert invitation.sent_at is not None and invitation.sent_at < now_at, invitation
            if invitation.reply != Invitation.Reply.PENDING:
                assert invitation.sent_at < invitation.replied_at < now_at, invitation
            else:
                assert invitation.replied_at is None and invitation.dialogue.status != "concluded"
        q4 = Dialogue.objects.get(kind="regular", title__startswith="Giao ban quý IV")
        invitations = list(q4.invitations.all())
        assert q4.status == "scheduled" and all(i.attended is None for i in invitations)
        if timezone.localdate() < dt.date(2026, 12, 5):  # sent on Friday 04/12 (two weeks before 18/12)
            assert not invitations and not q4.events.filter(action="invite").exists()
        else:
            replies = Counter(i.reply for i in invitations)
            assert len(invitations) == 12 and replies["accepted"] and replies["pending"] and not replies["declined"]
            (sent,) = DialogueEvent.objects.filter(dialogue=q4, action="invite")
            assert sent.note == "Gửi 12 giấy mời" and sent.at == invitations[0].sent_at
        for held in Dialogue.objects.filter(status="concluded").exclude(kind="reception"):
            assert held.invitations.exists()
            assert not held.invitations.exclude(reply="accepted", attended=True).exists()


def test_the_coming_giao_ban_page_shows_invitations_as_sent(client, db):
    import time_machine

    from doithoai.demo.loader import load_demo

    with time_machine.travel("2026-12-08 09:00 +0700", tick=False):
        load_demo()
        q4 = Dialogue.objects.get(kind="regular", title__startswith="Giao ban quý IV")
        client.force_login(User.objects.get(username="vanphong"))
        html = client.get(f"/can-bo/buoi/{q4.pk}/").content.decode()
    accepted = q4.invitations.filter(reply="accepted").count()
    assert f"12 giấy mời: {accepted} tham dự, 0 vắng, {12 - accepted} chưa trả lời." in html
    assert "04/12/2026" in html and "Gửi giấy mời" in html  # the time sent, and the history's entry
    assert f'href="/can-bo/buoi/{q4.pk}/thong-bao/"' in html  # the giao ban's (optional) announcement


def _entries(petition, after: str) -> list[tuple]:
    """The petition's timeline from its first `after` entry on, as the actions write it (no dates, no actors)."""
    steps = list(
        petition.history.order_by("at", "pk").values_list("action", "from_status", "to_status", "is_public", "note")
    )
    return steps[[s[0] for s in steps].index(after) :]


def test_answers_given_in_the_hall_were_approved_by_the_chair_before_they_were_public(demo):
    """Since issue 10 an answer given at a dialogue waits for the chair's approval, then is published: each demo
    opinion answered in the hall has, in order, its classification, the answer recorded while the dialogue was on,
    the chair's approval and (if public) the publication; nothing of it before the dialogue started or after now."""
    now = timezone.now()
    answers = Answer.objects.filter(at_dialogue=True).select_related("petition__dialogue", "approved_by")
    assert answers.count() == 43
    published = 0
    for answer in answers:
        petition, dialogue = answer.petition, answer.petition.dialogue
        history = list(petition.history.order_by("at", "pk"))
        assert [h.pk for h in history] == sorted(h.pk for h in history), petition  # written in the order lived
        actions = [h.action for h in history]
        expected = ["receive", "classify", "answer_at_dialogue", "approve"] + (
            ["publish"] if answer.published_at else []
        )
        assert actions == expected, petition
        by_action = {h.action: h for h in history}
        hall, approval = by_action["answer_at_dialogue"], by_action["approve"]
        assert dialogue.starts_at <= by_action["classify"].at < hall.at == answer.answered_at <= dialogue.ends_at
        assert not hall.is_public and hall.to_status == "answer_pending" and hall.actor.username == "thuky"
        assert hall.at < approval.at == answer.approved_at < now and answer.approved_by.username == "bithu"
        assert approval.to_status == "answered_at_dialogue" and approval.is_public
        assert answer.public_text == answer.text
        if answer.published_at:
            published += 1
            assert approval.at < by_action["publish"].at == answer.published_at <= now
            assert petition.is_public and petition.status == "closed"
        else:
            assert not petition.is_public and petition.status == "answered_at_dialogue"
        public_before = [h for h in history if h.is_public and h.action != "receive" and h.at < dialogue.starts_at]
        assert not public_before, petition
    assert 0 < published < answers.count()


def test_the_demos_hall_answers_are_the_entries_the_actions_write(demo):
    """The demo writes its past directly; what it writes for an answer given in the hall is what
    actions.answer_at_dialogue, approve_answer and publish write for one recorded today."""
    from doithoai.petitions import actions
    from doithoai.petitions.models import Topic

    shown = Answer.objects.filter(at_dialogue=True, published_at__isnull=False).select_related("petition").first()
    dialogue = shown.petition.dialogue
    users = {u.username: u for u in User.objects.filter(username__in=["tiepnhan", "vanphong", "thuky", "bithu"])}
    petition = actions.submit_petition(
        dialogue.unit,
        content="Đề nghị lắp đèn đường ngõ 5 thôn Trung.",
        channel="spoken_at_dialogue",
        dialogue=dialogue,
        name="Lê Văn An",
        by=users["tiepnhan"],
    )
    actions.classify(
        petition,
        topic=Topic.objects.get(code="dien_nuoc_ha_tang", unit=None),
        kind="kien_nghi",
        jurisdiction="commune",
        by=users["vanphong"],
        public_summary="Lắp đèn đường ngõ 5 thôn Trung.",
    )
    actions.answer_at_dialogue(petition, "Xã sẽ lắp đèn trong tháng 12.", by=users["thuky"])
    actions.approve_answer(petition, by=users["bithu"])
    actions.publish(petition, by=users["vanphong"])
    assert _entries(shown.petition, "answer_at_dialogue") == _entries(petition, "answer_at_dialogue")


def test_every_step_of_every_history_has_its_vietnamese_label(demo):
    """A step written without a label would show its code ("return_answer") on the timeline."""
    from doithoai.petitions.models import HistoryAction, HistoryEntry
    from doithoai.plans.models import DialogueEvent, DialogueEventAction

    petition_steps = set(HistoryEntry.objects.values_list("action", flat=True).distinct())
    dialogue_steps = set(DialogueEvent.objects.values_list("action", flat=True).distinct())
    assert petition_steps and petition_steps <= set(HistoryAction.values), petition_steps - set(HistoryAction.values)
    assert dialogue_steps and dialogue_steps <= set(DialogueEventAction.values), dialogue_steps - set(
        DialogueEventAction.values
    )
