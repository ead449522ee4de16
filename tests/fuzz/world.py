"""The fuzz tests' world: a commune with one account per role, a plan and its dialogues, and builders for the
petitions, assignments and speaker requests each form needs (made through the actions, as in real use)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from doithoai.accounts.models import Organization, Person, Post, User
from doithoai.petitions import actions
from doithoai.petitions.models import Answer, Assignment, Petition
from doithoai.plans import actions as plan_actions
from doithoai.plans.models import Dialogue, DialogueMember, Invitation, Plan, SpeakerRequest
from tests import factories

K = Petition.Kind
C = Petition.Channel
TODAY = dt.date(2026, 11, 27)
CONTENT = "Đề nghị sửa chữa đoạn đường liên thôn Trung – Hạ bị xuống cấp."


@dataclass
class World:
    cs: factories.CommuneSet
    coordinator: User
    chair: User
    economy: User  # officer of Phòng Kinh tế (agency)
    farmers_rep: User  # organisation representative of Hội Nông dân
    publisher: User  # Trung tâm Cung ứng dịch vụ sự nghiệp công
    secretary: User  # the dialogue's secretary (thư ký)
    plan: Plan
    dialogue: Dialogue  # a conference still "dự kiến tháng 12/2026"
    signer: Post  # Bí thư Đảng ủy xã
    village: Organization
    party_body: Organization

    @property
    def unit(self):
        return self.cs.unit

    @classmethod
    def create(cls, commune: factories.CommuneSet) -> "World":
        unit = commune.unit
        party_body = Organization.objects.create(unit=unit, name="Đảng ủy xã", kind=Organization.Kind.PARTY_BODY)
        factories.PartyRegisterFactory(party_term=factories.PartyTermFactory(unit=unit), issuing_body=party_body)
        plan = factories.PlanFactory(unit=unit)
        dialogue = factories.DialogueFactory(unit=unit, plan=plan, tentative_month=dt.date(2026, 12, 1))
        secretary = factories.user_with_role("agency", unit, commune.culture, username="thuky")
        DialogueMember.objects.create(dialogue=dialogue, user=secretary, role=DialogueMember.Role.SECRETARY)
        return cls(
            cs=commune,
            coordinator=factories.user_with_role("coordinator", unit, username="vanphong"),
            chair=factories.user_with_role("chair", unit, username="bithu"),
            economy=factories.user_with_role("agency", unit, commune.economy, username="kinhte"),
            farmers_rep=factories.user_with_role("org_rep", unit, commune.farmers, username="hoinongdan"),
            publisher=factories.user_with_role("publisher", unit, commune.service_centre, username="trungtam"),
            secretary=secretary,
            plan=plan,
            dialogue=dialogue,
            signer=factories.PostFactory(person__unit=unit, person__full_name="Nguyễn Viết Toàn"),
            village=Organization.objects.create(unit=unit, name="Thôn Trung", kind=Organization.Kind.VILLAGE),
            party_body=party_body,
        )

    # ------------------------------------------------------------ petitions in each state

    def received(self, kind: str = K.KIEN_NGHI, **extra) -> Petition:
        fields = dict(
            content=CONTENT,
            channel=C.RECEPTION,
            kind=kind,
            name="Trần Thị Mẫu",
            phone="0987654321",
            address="Số 12, thôn Trung",
            by=self.coordinator,
        )
        return actions.submit_petition(self.unit, **{**fields, **extra})

    def classified(self, **extra) -> Petition:
        petition = self.received(**extra)
        return actions.classify(
            petition,
            topic=factories.canonical_topic(),
            kind=petition.kind,
            jurisdiction="commune",
            public_summary="Đề nghị sửa đường.",
            by=self.coordinator,
        )

    def assigned(self) -> Assignment:
        return actions.assign(self.classified(), self.cs.economy, by=self.coordinator)

    def forwarded(self) -> Assignment:
        return actions.forward(
            self.classified(), self.cs.higher, outgoing_number="215/UBND-VP", outgoing_date=TODAY, by=self.coordinator
        )

    def pending(self) -> Petition:
        assignment = self.assigned()
        actions.record_answer(
            assignment.petition,
            "Xã đã bố trí kinh phí sửa chữa trong quý I năm 2027.",
            document_number="88/UBND-KT",
            document_date=TODAY,
            by=self.economy,
        )
        return Petition.objects.get(pk=assignment.petition_id)

    def answered(self) -> Petition:
        petition = self.pending()
        actions.approve_answer(petition, by=self.chair)
        return Petition.objects.get(pk=petition.pk)

    def published(self) -> Petition:
        petition = self.answered()
        actions.publish(petition, by=self.coordinator)
        return Petition.objects.get(pk=petition.pk)

    def extension_asked(self) -> Petition:
        assignment = self.assigned()
        actions.accept_assignment(assignment, by=self.economy)
        actions.request_extension(
            assignment, new_deadline=TODAY + dt.timedelta(days=30), reason="Cần khảo sát hiện trường.", by=self.economy
        )
        return assignment.petition

    def at_dialogue(self) -> Petition:
        return self.received(channel=C.SPOKEN_AT_DIALOGUE, dialogue=self.dialogue, by=self.secretary)

    def answerable_at_dialogue(self) -> Petition:
        """Classified, raised at the dialogue once it has begun: what "Trả lời tại hội nghị" accepts."""
        self.held()
        return self.classified(channel=C.SPOKEN_AT_DIALOGUE, dialogue=self.dialogue, by=self.secretary)

    # ------------------------------------------------------------ dialogues

    def scheduled(self, days_ahead: int = 20) -> Dialogue:
        starts = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=days_ahead), dt.time(8, 0)))
        return plan_actions.schedule_dialogue(
            self.dialogue, starts_at=starts, ends_at=None, place="Hội trường xã", by=self.coordinator
        )

    def held(self) -> Dialogue:
        dialogue = self.scheduled(days_ahead=-1)
        return plan_actions.mark_held(dialogue, by=self.coordinator)

    def invitation(self) -> Invitation:
        return plan_actions.invite(self.dialogue, organizations=[self.cs.farmers], by=self.coordinator)[0]

    def speaker(self) -> SpeakerRequest:
        return plan_actions.register_speaker(
            self.dialogue, name="Lê Văn Nam", summary="Về đường giao thông.", phone="0912345678"
        )

    def person(self) -> Person:
        return Person.objects.create(unit=self.unit, full_name="Đỗ Văn Hùng")

    def answer_of(self, petition: Petition) -> Answer:
        return Answer.objects.get(petition=petition, is_current=True)
