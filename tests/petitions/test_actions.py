"""Every transition of the petition workflow (DESIGN.md §3) through petitions/actions.py: the happy path, the
illegal moves (an ActionError in Vietnamese that changes nothing), who may act, the history written in the same
transaction, notifications sent only after commit, and the rules of khiếu nại and tố cáo.

Time is frozen on Friday 27/11/2026 09:00 (Asia/Ho_Chi_Minh).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from doithoai.accounts import permissions
from doithoai.notifications.models import Notification
from doithoai.petitions import actions, queries
from doithoai.petitions.actions import ActionError
from doithoai.petitions.models import (
    Answer,
    Assignment,
    Attachment,
    ExtensionRequest,
    HistoryEntry,
    IdentityView,
    Petition,
)
from doithoai.plans.models import DialogueMember
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_demo_now")]

S = Petition.Status
K = Petition.Kind
C = Petition.Channel
TODAY = dt.date(2026, 11, 27)
DIALOGUE_START = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


# ---------------------------------------------------------------- the people and the helpers


@dataclass
class World:
    cs: factories.CommuneSet
    other: factories.CommuneSet
    coordinator: object
    chair: object
    economy: object  # officer of Phòng Kinh tế, the lead agency in these tests
    culture: object  # officer of Phòng Văn hóa - Xã hội: an agency of another organisation
    farmers_rep: object  # org_rep of Hội Nông dân
    front_rep: object  # org_rep of Ủy ban MTTQ (supervisory view)
    province: object
    other_coordinator: object
    secretary: object
    receiver: object
    dialogue: object

    @property
    def unit(self):
        return self.cs.unit

    def received(self, kind=K.KIEN_NGHI, **extra) -> Petition:
        fields = dict(
            content="Đề nghị sửa chữa đoạn đường liên thôn Trung – Hạ bị xuống cấp.",
            channel=C.RECEPTION,
            kind=kind,
            name="Trần Thị Mẫu",
            phone="0987654321",
            email="mau@example.vn",
            address="Số 12, thôn Trung",
            by=self.coordinator,
        )
        fields.update(extra)
        return actions.submit_petition(self.unit, **fields)

    def classified(self, kind=K.KIEN_NGHI, summary="Đề nghị sửa đường liên thôn Trung – Hạ.", **extra) -> Petition:
        petition = self.received(kind=kind, **extra)
        return actions.classify(
            petition,
            topic=factories.canonical_topic(),
            kind=kind,
            jurisdiction="commune",
            public_summary=summary,
            by=self.coordinator,
        )

    def assigned(self, kind=K.KIEN_NGHI, **extra) -> Assignment:
        # A khiếu nại / tố cáo goes to its legal procedure, never to an agency. Tests that need one in an agency's
        # hands (recognised as such only after it was assigned) set the kind afterwards.
        legal = kind in (K.KHIEU_NAI, K.TO_CAO)
        assignment = actions.assign(
            self.classified(kind=K.KIEN_NGHI if legal else kind, **extra), self.cs.economy, by=self.coordinator
        )
        if legal:
            Petition.objects.filter(pk=assignment.petition_id).update(kind=kind, public_summary="")
            assignment.petition.refresh_from_db()
        return assignment

    def forwarded(self, **extra) -> Assignment:
        return actions.forward(
            self.classified(**extra),
            self.cs.higher,
            outgoing_number="215/UBND-VP",
            outgoing_date=TODAY,
            by=self.coordinator,
        )

    def pending(self, **extra) -> Petition:
        assignment = self.assigned(**extra)
        actions.record_answer(
            assignment.petition,
            "Xã đã bố trí kinh phí sửa chữa trong quý I năm 2027.",
            document_number="88/UBND-KT",
            document_date=TODAY,
            by=self.economy,
        )
        return reload(assignment.petition)

    def answered(self, **extra) -> Petition:
        petition = self.pending(**extra)
        actions.approve_answer(petition, by=self.chair)
        return reload(petition)

    def closed(self, **extra) -> Petition:
        petition = self.answered(**extra)
        actions.publish(petition, by=self.coordinator)
        return reload(petition)

    def at_dialogue(self, kind=K.KIEN_NGHI) -> Petition:
        return self.received(kind=kind, channel=C.SPOKEN_AT_DIALOGUE, dialogue=self.dialogue, by=self.receiver)

    def classified_at_dialogue(self, kind=K.KIEN_NGHI) -> Petition:
        return self.classified(kind=kind, channel=C.SPOKEN_AT_DIALOGUE, dialogue=self.dialogue, by=self.receiver)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def _account(role, unit, org=None, username=None, email=""):
    user = factories.user_with_role(role, unit, org, username=username)
    if email:
        user.email = email
        user.save()
    return user


@pytest.fixture
def w(commune, other_commune) -> World:
    unit = commune.unit
    # The dialogue began this morning at 08:00 (an answer given in the hall is recorded only once it has started).
    dialogue = factories.DialogueFactory(unit=unit, starts_at=DIALOGUE_START, status="held")
    secretary, receiver = factories.UserFactory(username="thuky"), factories.UserFactory(username="tiepnhan")
    DialogueMember.objects.create(dialogue=dialogue, user=secretary, role="secretary")
    DialogueMember.objects.create(dialogue=dialogue, user=receiver, role="receiver")
    return World(
        cs=commune,
        other=other_commune,
        coordinator=_account("coordinator", unit, username="vanphong", email="vanphong@tanyen.example"),
        chair=_account("chair", unit, username="bithu", email="bithu@tanyen.example"),
        economy=_account("agency", unit, commune.economy, username="kinhte", email="kinhte@tanyen.example"),
        culture=_account("agency", unit, commune.culture, username="vhxh", email="vhxh@tanyen.example"),
        farmers_rep=_account("org_rep", unit, commune.farmers, username="hoinongdan"),
        front_rep=_account("org_rep", unit, commune.front, username="mttq"),
        province=_account("province", commune.province, username="tinh"),
        other_coordinator=_account("coordinator", other_commune.unit, username="vanphong-nt"),
        secretary=secretary,
        receiver=receiver,
        dialogue=dialogue,
    )


def snapshot(*petitions) -> list[dict]:
    """Everything an action may touch, for each petition: its row, its timeline, assignments, answers, extension
    requests, notifications, identity views and attachments."""
    out = []
    for p in petitions:
        out.append(
            {
                "petition": Petition.objects.filter(pk=p.pk).values().get(),
                "history": list(HistoryEntry.objects.filter(petition=p).values_list("pk", flat=True)),
                "assignments": list(Assignment.objects.filter(petition=p).order_by("pk").values()),
                "coordinating": list(Assignment.coordinating.through.objects.filter(assignment__petition=p).values()),
                "answers": list(Answer.objects.filter(petition=p).order_by("pk").values()),
                "extensions": list(ExtensionRequest.objects.filter(assignment__petition=p).order_by("pk").values()),
                "notifications": Notification.objects.filter(petition=p).count(),
                "identity_views": IdentityView.objects.filter(petition=p).count(),
                "attachments": Attachment.objects.filter(petition=p).count(),
            }
        )
    return out


def assert_vietnamese(message: str) -> None:
    assert VIETNAMESE.search(message.lower()), f"not a Vietnamese message: {message!r}"


def refused(call, *petitions, match: str | None = None) -> str:
    """The call raises ActionError with a Vietnamese message and changes nothing at all."""
    before = snapshot(*petitions)
    with pytest.raises(ActionError) as error:
        call()
    message = str(error.value)
    assert_vietnamese(message)
    if match:
        assert match in message
    assert snapshot(*petitions) == before
    return message


def last_entry(petition) -> HistoryEntry:
    return HistoryEntry.objects.filter(petition=petition).order_by("-id").first()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# ---------------------------------------------------------------- who may do what


def _case_classify(w):
    p = w.received()
    return lambda by: actions.classify(
        p, topic=factories.canonical_topic(), kind=K.PHAN_ANH, jurisdiction="commune", by=by
    ), [p]


def _case_edit_summary(w):
    p = w.received()
    return lambda by: actions.edit_public_summary(p, "Tóm tắt mới", by=by), [p]


def _case_merge(w):
    child, parent = w.received(), w.received()
    return lambda by: actions.merge(child, parent, by=by), [child, parent]


def _case_decline(w):
    p = w.received()
    return lambda by: actions.decline(p, "Nội dung không thuộc thẩm quyền.", by=by), [p]


def _case_legal_track(w):
    p = w.received(kind=K.TO_CAO)
    return lambda by: actions.send_to_legal_track(p, body="Ủy ban Kiểm tra Đảng ủy", by=by), [p]


def _case_assign(w):
    p = w.classified()
    return lambda by: actions.assign(p, w.cs.economy, by=by), [p]


def _case_forward(w):
    p = w.classified()
    return lambda by: actions.forward(p, w.cs.higher, outgoing_number="1/UBND", outgoing_date=TODAY, by=by), [p]


def _case_accept(w):
    a = w.assigned()
    return lambda by: actions.accept_assignment(a, by=by), [a.petition]


def _case_return(w):
    a = w.assigned()
    return lambda by: actions.return_assignment(a, "Không thuộc lĩnh vực của phòng.", by=by), [a.petition]


def _case_request_extension(w):
    a = w.assigned()
    return lambda by: actions.request_extension(
        a, new_deadline=a.deadline + dt.timedelta(days=14), reason="Chờ khảo sát", by=by
    ), [a.petition]


def _case_decide_extension(w):
    a = w.assigned()
    r = actions.request_extension(
        a, new_deadline=a.deadline + dt.timedelta(days=14), reason="Chờ khảo sát", by=w.economy
    )
    return lambda by: actions.decide_extension(r, grant=True, by=by), [a.petition]


def _case_answer_at_dialogue(w):
    p = w.classified_at_dialogue()
    return lambda by: actions.answer_at_dialogue(p, "Xã sẽ sửa trong tháng 12.", by=by), [p]


def _case_record_answer(w):
    a = w.assigned()
    return lambda by: actions.record_answer(a.petition, "Đã bố trí kinh phí.", by=by), [a.petition]


def _case_approve(w):
    p = w.pending()
    return lambda by: actions.approve_answer(p, by=by), [p]


def _case_return_answer(w):
    p = w.pending()
    return lambda by: actions.return_answer(p, "Chưa nêu thời gian hoàn thành.", by=by), [p]


def _case_publish(w):
    p = w.answered()
    return lambda by: actions.publish(p, by=by), [p]


def _case_close(w):
    p = w.answered()
    return lambda by: actions.close(p, "Trả lời riêng cho người gửi.", by=by), [p]


CASES = {
    # action: (set-up, who may do it)
    "classify": (_case_classify, "coordinator"),
    "edit_public_summary": (_case_edit_summary, "coordinator"),
    "merge": (_case_merge, "coordinator"),
    "decline": (_case_decline, "coordinator"),
    "send_to_legal_track": (_case_legal_track, "coordinator"),
    "assign": (_case_assign, "coordinator"),
    "forward": (_case_forward, "coordinator"),
    "accept_assignment": (_case_accept, "economy"),
    "return_assignment": (_case_return, "economy"),
    "request_extension": (_case_request_extension, "economy"),
    "decide_extension": (_case_decide_extension, "coordinator"),
    "answer_at_dialogue": (_case_answer_at_dialogue, "chair"),
    "record_answer": (_case_record_answer, "economy"),
    "approve_answer": (_case_approve, "chair"),
    "return_answer": (_case_return_answer, "chair"),
    "publish": (_case_publish, "coordinator"),
    "close": (_case_close, "coordinator"),
}
OUTSIDERS = ["culture", "other_coordinator", "farmers_rep", "province", "anonymous"]


def _user(w, name):
    return AnonymousUser() if name == "anonymous" else getattr(w, name)


@pytest.mark.parametrize("action", CASES)
def test_the_right_person_may_do_it(w, action):
    setup, who = CASES[action]
    call, _ = setup(w)
    call(_user(w, who))  # no ActionError


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("action", CASES)
def test_everyone_else_is_refused_and_nothing_changes(w, action, outsider):
    setup, _ = CASES[action]
    call, petitions = setup(w)
    message = refused(lambda: call(_user(w, outsider)), *petitions)
    assert message == "Bạn không có quyền thực hiện thao tác này."


@pytest.mark.parametrize("action", ["approve_answer"])
def test_only_the_chair_approves_not_the_coordinator(w, action):
    call, petitions = _case_approve(w)
    refused(lambda: call(w.coordinator), *petitions)


@pytest.mark.parametrize("action", ["accept_assignment", "return_assignment", "request_extension"])
def test_a_coordinating_agency_cannot_act_as_the_lead(w, action):
    setup, _ = CASES[action]
    call, petitions = setup(w)
    assignment = Assignment.objects.get(petition=petitions[0], is_current=True)
    assignment.coordinating.add(w.cs.culture)
    refused(lambda: call(w.culture), *petitions)


@pytest.mark.parametrize("action", ["classify", "assign", "merge", "decline", "publish"])
def test_the_chair_does_not_do_the_coordinators_work(w, action):
    setup, _ = CASES[action]
    call, petitions = setup(w)
    refused(lambda: call(w.chair), *petitions)


def test_a_dialogue_secretary_may_answer_at_the_dialogue_but_a_receiver_may_not(w):
    p = w.classified_at_dialogue()
    refused(lambda: actions.answer_at_dialogue(p, "Trả lời", by=w.receiver), p)
    actions.answer_at_dialogue(p, "Xã sẽ sửa trong tháng 12.", by=w.secretary)
    assert reload(p).status == S.ANSWER_PENDING


# ---------------------------------------------------------------- intake


CHANNEL_USERS = [
    (C.ONLINE, "anonymous"),
    (C.ONLINE, "coordinator"),
    (C.QR_AT_DIALOGUE, "anonymous"),
    (C.SPOKEN_AT_DIALOGUE, "receiver"),
    (C.SPOKEN_AT_DIALOGUE, "coordinator"),
    (C.WRITTEN_AT_DIALOGUE, "secretary"),
    (C.WRITTEN_AT_DIALOGUE, "chair"),
    (C.ORG_BATCH, "farmers_rep"),
    (C.RECEPTION, "coordinator"),
    (C.RECEPTION, "chair"),
    (C.PHONE, "coordinator"),
    (C.LETTER, "chair"),
]


def _intake(w, channel, by, **extra):
    fields = {
        "content": "Đề nghị lắp đèn chiếu sáng đường trục thôn Hạ.",
        "channel": channel,
        "by": None if by == "anonymous" else getattr(w, by) if isinstance(by, str) else by,
    }
    if channel in actions.DIALOGUE_CHANNELS:
        fields["dialogue"] = w.dialogue
    if channel == C.ORG_BATCH:
        fields["organization"] = w.cs.farmers
    fields.update(extra)
    return actions.submit_petition(w.unit, **fields)


@pytest.mark.parametrize("channel, by", CHANNEL_USERS)
def test_every_channel_records_a_received_petition_with_its_first_history_entry(w, channel, by):
    petition = _intake(w, channel, by)

    assert petition.status == S.RECEIVED and petition.channel == channel
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]", petition.code)
    assert petition.deadline == dt.date(2026, 12, 18)  # 15 working days from 27/11 (no holiday in between)
    assert petition.search_key == "de nghi lap den chieu sang duong truc thon ha"
    entry = HistoryEntry.objects.get(petition=petition)
    assert (entry.action, entry.from_status, entry.to_status, entry.is_public) == ("receive", "", S.RECEIVED, True)
    assert petition.created_by == (None if by == "anonymous" else getattr(w, by))
    assert entry.actor_label == ("Người gửi" if by == "anonymous" else getattr(w, by).display_name)
    if channel == C.ORG_BATCH:
        assert petition.submitter_organization == w.cs.farmers
        assert petition.submitter_organization_name == "Hội Nông dân xã"


REFUSED_INTAKE = [
    (C.RECEPTION, "anonymous"),
    (C.PHONE, "anonymous"),
    (C.LETTER, "anonymous"),
    (C.RECEPTION, "economy"),
    (C.PHONE, "farmers_rep"),
    (C.LETTER, "front_rep"),
    (C.LETTER, "province"),
    (C.RECEPTION, "other_coordinator"),
    (C.SPOKEN_AT_DIALOGUE, "anonymous"),
    (C.WRITTEN_AT_DIALOGUE, "economy"),
    (C.SPOKEN_AT_DIALOGUE, "farmers_rep"),
    (C.SPOKEN_AT_DIALOGUE, "other_coordinator"),
    (C.ORG_BATCH, "anonymous"),
    (C.ORG_BATCH, "front_rep"),  # the representative of another organisation
    (C.ORG_BATCH, "economy"),
]


@pytest.mark.parametrize("channel, by", REFUSED_INTAKE)
def test_who_may_use_which_channel(w, channel, by):
    before = Petition.objects.count(), HistoryEntry.objects.count()
    with pytest.raises(ActionError) as error:
        _intake(w, channel, by)
    assert_vietnamese(str(error.value))
    assert (Petition.objects.count(), HistoryEntry.objects.count()) == before


def test_a_seat_at_one_dialogue_gives_no_right_at_another(w):
    elsewhere = factories.DialogueFactory(unit=w.unit, title="Hội nghị đối thoại với doanh nghiệp")
    with pytest.raises(ActionError):
        _intake(w, C.SPOKEN_AT_DIALOGUE, "receiver", dialogue=elsewhere)
    assert not Petition.objects.exists()


def test_a_dialogue_channel_needs_the_dialogue(w):
    with pytest.raises(actions.ValidationError) as error:
        actions.submit_petition(w.unit, content="Ý kiến", channel=C.SPOKEN_AT_DIALOGUE, by=w.coordinator)
    assert "dialogue" in error.value.message_dict


@pytest.mark.parametrize("by", ["farmers_rep", "economy", "other_coordinator", "province"])
def test_a_logged_in_member_of_an_organisation_may_still_use_the_public_online_form(w, by):
    petition = _intake(w, C.ONLINE, by, name="Nguyễn Văn Hội", consent=True)
    assert petition.status == S.RECEIVED


def test_the_public_must_consent_before_leaving_their_identity(w):
    with pytest.raises(actions.ValidationError) as error:
        _intake(w, C.ONLINE, "anonymous", name="Trần Thị Mẫu", phone="0987654321")
    assert list(error.value.message_dict) == ["consent"]
    petition = _intake(w, C.ONLINE, "anonymous", name="Trần Thị Mẫu", consent=True)
    assert petition.consent_at is not None


def test_an_anonymous_opinion_keeps_no_identity(w):
    petition = _intake(w, C.ONLINE, "anonymous", anonymous=True, name="Tên", phone="0987654321", email="a@b.vn")
    assert (petition.anonymous, petition.submitter_name, petition.submitter_phone, petition.submitter_email) == (
        True,
        "",
        "",
        "",
    )


def test_text_is_stored_nfc_and_markup_is_kept_as_plain_text(w):
    content = "<script>alert('x')</script> Đường xuống cấp, đề nghị sửa <b>gấp</b>"
    petition = _intake(
        w,
        C.ONLINE,
        "anonymous",
        content=unicodedata.normalize("NFD", content),
        name=unicodedata.normalize("NFD", "  Trần   Thị Mẫu "),
        consent=True,
    )
    petition = reload(petition)
    assert petition.content == content  # NFC, and the markup is text, neither stripped nor escaped
    assert unicodedata.is_normalized("NFC", petition.content)
    assert petition.submitter_name == "Trần Thị Mẫu"
    assert "duong xuong cap" in petition.search_key


def test_the_phone_is_normalised(w):
    petition = _intake(w, C.PHONE, "coordinator", phone="+84 912.345.678")
    assert petition.submitter_phone == "0912345678"


# ------------------------------------------------------------------ bad input: nothing saved


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _zip(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A DOCX-looking zip of ~100 KB whose entries expand to 101 MB."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as entry:
            for _ in range(101):
                entry.write(b"\x00" * (1024 * 1024))
    return buffer.getvalue()


BAD_INPUT = {
    "empty": ({"content": "  \n "}, "content"),
    "100,000 characters": ({"content": ("Đường " * 16_667)[:100_000]}, "content"),
    "invalid phone": ({"phone": "12345"}, "phone"),
    "invalid e-mail": ({"email": "mau@"}, "email"),
    "anonymous denunciation": ({"kind": K.TO_CAO, "anonymous": True}, "anonymous"),
    "denunciation without a name": ({"kind": K.TO_CAO, "name": ""}, "name"),
    "unknown kind": ({"kind": "tin_don"}, "kind"),
    "an executable named .jpg": (
        {"attachments": [_upload("anh-hien-truong.jpg", b"MZ\x90\x00\x03" + b"\x00" * 500)]},
        "attachments",
    ),
    "six files": ({"attachments": [_upload(f"anh{i}.png", PNG) for i in range(6)]}, "attachments"),
    "an 11 MB file": ({"attachments": [_upload("scan.pdf", PDF + b"\x00" * (11 * 1024 * 1024))]}, "attachments"),
    "a zip named .docx": ({"attachments": [_upload("don.docx", _zip({"readme.txt": b"xin chao"}))]}, "attachments"),
    "an empty file": ({"attachments": [_upload("trong.pdf", b"")]}, "attachments"),
    "a village of another commune": ("other_village", "village"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_refused_per_field_in_vietnamese_and_nothing_is_saved(
    w, settings, case, django_capture_on_commit_callbacks
):
    extra, field = BAD_INPUT[case]
    if extra == "other_village":
        extra = {"village": factories.OrganizationFactory(unit=w.other.unit, name="Thôn Đông", kind="village")}
    counts = Petition.objects.count(), Attachment.objects.count(), HistoryEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(actions.ValidationError) as error:
        _intake(w, C.RECEPTION, "coordinator", **{"name": "Trần Thị Mẫu", **extra})
    assert field in error.value.message_dict, error.value.message_dict
    for message in error.value.message_dict[field]:
        assert_vietnamese(message)
    assert (Petition.objects.count(), Attachment.objects.count(), HistoryEntry.objects.count()) == counts
    assert not Notification.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_zip_bomb_docx_is_refused(w, settings, zip_bomb):
    assert len(zip_bomb) < 1024 * 1024
    with pytest.raises(actions.ValidationError) as error:
        _intake(w, C.RECEPTION, "coordinator", attachments=[_upload("bao-cao.docx", zip_bomb)])
    assert error.value.message_dict["attachments"] == ["Tệp “bao-cao.docx” giải nén ra quá lớn."]
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_several_errors_are_reported_together(w):
    with pytest.raises(actions.ValidationError) as error:
        _intake(w, C.RECEPTION, "coordinator", content="", phone="abc", email="x@", kind=K.TO_CAO, anonymous=True)
    assert {"content", "phone", "email", "anonymous"} <= set(error.value.message_dict)


def test_attachments_are_stored_under_generated_names_recognised_by_content(
    w, settings, django_capture_on_commit_callbacks
):
    files = [
        _upload("Đơn của Trần Thị Mẫu.pdf", PDF),
        _upload("ảnh hiện trường.jpg", PNG),  # a PNG named .jpg is stored as what it is
        _upload("Biên bản họp thôn.docx", DOCX),
    ]
    with django_capture_on_commit_callbacks(execute=True):  # the commit: the files are on the disk after it
        petition = _intake(w, C.RECEPTION, "coordinator", attachments=files)

    stored = list(Attachment.objects.filter(petition=petition).order_by("id"))
    assert [a.original_name for a in stored] == [
        "Đơn của Trần Thị Mẫu.pdf",
        "ảnh hiện trường.jpg",
        "Biên bản họp thôn.docx",
    ]
    assert [a.extension for a in stored] == [".pdf", ".png", ".docx"]
    assert stored[1].content_type == "image/png"
    for attachment in stored:
        assert re.fullmatch(r"attachments/2026/11/[0-9a-f]{32}\.(pdf|png|docx)", attachment.file.name)
        assert len(attachment.sha256) == 64
    on_disk = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert len(on_disk) == 3
    assert on_disk == sorted(a.file.name.rsplit("/", 1)[-1] for a in stored)
    assert not any(word in name for name in on_disk for word in ("Đơn", "Trần", "hiện", "Biên", "tep"))
    assert [a.file.read() for a in stored] == [PDF, PNG, DOCX]


def test_a_failure_after_the_files_are_handled_leaves_no_file_behind(
    w, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from doithoai.petitions import history

    def broken(*args, **kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(history, "record", broken)  # fails after the attachments, before the end of the intake
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        _intake(w, C.RECEPTION, "coordinator", attachments=[_upload("don.pdf", PDF), _upload("anh.png", PNG)])
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


# ---------------------------------------------------------------- classification


def test_classify_sets_topic_kind_jurisdiction_and_summary_with_its_history(w):
    petition = w.received()
    topic = factories.canonical_topic("dien_nuoc_ha_tang")

    actions.classify(
        petition,
        topic=topic,
        kind=K.PHAN_ANH,
        jurisdiction="commune",
        public_summary=unicodedata.normalize("NFD", " Đường tối, thiếu đèn. "),
        by=w.coordinator,
    )

    petition = reload(petition)
    assert petition.public_summary == "Đường tối, thiếu đèn."
    assert (petition.status, petition.topic, petition.kind, petition.jurisdiction) == (
        S.CLASSIFIED,
        topic,
        K.PHAN_ANH,
        "commune",
    )
    entry = last_entry(petition)
    assert (entry.action, entry.from_status, entry.to_status, entry.actor) == (
        "classify",
        S.RECEIVED,
        S.CLASSIFIED,
        w.coordinator,
    )
    assert entry.data == {"kind_before": K.KIEN_NGHI, "kind_after": K.PHAN_ANH}
    assert entry.is_public


def test_a_classified_petition_may_be_classified_again(w):
    petition = w.classified()
    actions.classify(
        petition,
        topic=factories.canonical_topic("moi_truong"),
        kind=K.PHAN_ANH,
        jurisdiction="commune",
        by=w.coordinator,
    )
    assert last_entry(petition).from_status == last_entry(petition).to_status == S.CLASSIFIED


def test_illegal_classifications_change_nothing(w):
    topic = factories.canonical_topic()
    foreign = factories.canonical_topic()
    foreign = type(foreign).objects.create(unit=w.other.unit, code="rieng", name="Riêng", parent=foreign)
    petition = w.received()
    refused(
        lambda: actions.classify(petition, topic=foreign, kind=K.KIEN_NGHI, jurisdiction="commune", by=w.coordinator),
        petition,
        match="Lĩnh vực không thuộc đơn vị này",
    )
    refused(
        lambda: actions.classify(petition, topic=topic, kind="tin_don", jurisdiction="commune", by=w.coordinator),
        petition,
    )
    refused(
        lambda: actions.classify(petition, topic=topic, kind=K.KIEN_NGHI, jurisdiction="tinh", by=w.coordinator),
        petition,
    )
    closed = w.closed()
    refused(
        lambda: actions.classify(closed, topic=topic, kind=K.KIEN_NGHI, jurisdiction="commune", by=w.coordinator),
        closed,
        match="Không thể phân loại",
    )


def test_classifying_as_to_cao_hides_it_at_once_from_the_dialogue_receiver_and_the_mttq(w):
    petition = w.at_dialogue()
    actions.edit_public_summary(petition, "Ý kiến về cán bộ địa chính", by=w.coordinator)
    for user in (w.receiver, w.secretary, w.front_rep):
        assert permissions.petitions_visible_to(user).filter(pk=petition.pk).exists()

    actions.classify(
        petition,
        topic=factories.canonical_topic("dat_dai"),
        kind=K.TO_CAO,
        jurisdiction="commune",
        public_summary="Không được giữ",
        by=w.coordinator,
    )

    petition = reload(petition)
    for user in (w.receiver, w.secretary, w.front_rep):
        assert not permissions.petitions_visible_to(user).filter(pk=petition.pk).exists()
    assert petition.public_summary == "" and not petition.is_public
    assert not last_entry(petition).is_public  # the classification of a denunciation is not shown publicly
    assert petition.deadline == dt.date(2027, 1, 11)  # 30 working days (to_cao) from 27/11/2026
    for user in (w.coordinator, w.chair):
        assert permissions.petitions_visible_to(user).filter(pk=petition.pk).exists()


def test_the_public_summary_of_a_complaint_cannot_be_edited(w):
    petition = w.classified(kind=K.KHIEU_NAI, summary="")
    refused(
        lambda: actions.edit_public_summary(petition, "Khiếu nại về đất", by=w.coordinator),
        petition,
        match="không bao giờ được công khai",
    )


def test_edit_public_summary_is_nfc_and_recorded(w):
    petition = w.received()
    actions.edit_public_summary(petition, unicodedata.normalize("NFD", "  Đề nghị sửa đường  "), by=w.coordinator)
    assert reload(petition).public_summary == "Đề nghị sửa đường"
    assert last_entry(petition).action == "edit_summary"


# ---------------------------------------------------------------- merging


def test_merge_keeps_every_submitter_and_the_merged_code_shows_the_parents_status(w):
    parent = w.classified()
    first = w.received(name="Nguyễn Văn An", email="an@example.vn")
    second = w.received(name="Lê Thị Bình", phone="0911111111", email="")

    actions.merge(first, parent, by=w.coordinator)
    actions.merge(second, parent, by=w.coordinator)

    parent, first = reload(parent), reload(first)
    assert set(parent.merged_children.values_list("submitter_name", flat=True)) == {"Nguyễn Văn An", "Lê Thị Bình"}
    assert parent.submitter_name == "Trần Thị Mẫu"
    assert (first.status, first.merged_into) == (S.MERGED, parent)
    entry = last_entry(first)
    assert (entry.action, entry.from_status, entry.to_status) == ("merge", S.RECEIVED, S.MERGED)
    assert last_entry(parent).note == f"3 ý kiến cùng nội dung (thêm {second.code})"

    assert queries.public_status(first)["status"] == S.CLASSIFIED
    actions.assign(parent, w.cs.economy, by=w.coordinator)
    status = queries.public_status(reload(first))
    assert (status["status"], status["status_label"]) == (S.ASSIGNED, "Đang giải quyết")


def test_a_merged_code_shows_the_parents_published_answer(w):
    parent = w.classified()
    child = w.received()
    actions.merge(child, parent, by=w.coordinator)
    actions.assign(parent, w.cs.economy, by=w.coordinator)
    actions.record_answer(parent, "Đã sửa xong.", by=w.economy)
    actions.approve_answer(parent, by=w.chair)
    actions.publish(parent, by=w.coordinator)

    status = queries.public_status(reload(child))
    assert status["status"] == S.CLOSED and status["answer"]["text"] == "Đã sửa xong."


def test_illegal_merges_change_nothing(w):
    a, b = w.received(), w.received()
    refused(lambda: actions.merge(a, a, by=w.coordinator), a, match="chính nó")
    elsewhere = actions.submit_petition(w.other.unit, content="Ý kiến", channel=C.RECEPTION, by=w.other_coordinator)
    refused(lambda: actions.merge(a, elsewhere, by=w.coordinator), a, elsewhere, match="cùng một đơn vị")
    assigned = w.assigned().petition
    refused(lambda: actions.merge(assigned, a, by=w.coordinator), assigned, a, match="Không thể gộp")
    declined = w.received()
    actions.decline(declined, "Trùng lặp", by=w.coordinator)
    refused(lambda: actions.merge(a, declined, by=w.coordinator), a, declined, match="không còn xử lý")
    actions.merge(b, a, by=w.coordinator)
    c = w.received()
    refused(lambda: actions.merge(c, b, by=w.coordinator), c, b, match="không còn xử lý")  # b is merged itself
    refused(lambda: actions.merge(a, c, by=w.coordinator), a, c, match="gộp cả nhóm")  # a has children


@pytest.mark.parametrize("kind", [K.KHIEU_NAI, K.TO_CAO])
@pytest.mark.parametrize("side", ["child", "parent"])
def test_complaints_and_denunciations_are_never_merged_on_either_side(w, kind, side):
    legal, ordinary = w.received(kind=kind), w.received()
    child, parent = (legal, ordinary) if side == "child" else (ordinary, legal)
    refused(lambda: actions.merge(child, parent, by=w.coordinator), child, parent, match="không bao giờ được gộp")


def test_a_parent_with_merged_children_cannot_become_a_denunciation(w):
    parent, child = w.received(), w.received()
    actions.merge(child, parent, by=w.coordinator)
    refused(
        lambda: actions.classify(
            parent, topic=factories.canonical_topic(), kind=K.TO_CAO, jurisdiction="commune", by=w.coordinator
        ),
        parent,
        child,
        match="tách chúng ra",
    )


# ---------------------------------------------------------------- declining and the legal track


def test_decline_records_the_reason_for_the_submitter(w):
    petition = w.classified()
    actions.decline(petition, "Nội dung đã được trả lời tại kỳ họp trước.", by=w.coordinator)
    petition = reload(petition)
    assert (petition.status, petition.decline_reason) == (S.DECLINED, "Nội dung đã được trả lời tại kỳ họp trước.")
    entry = last_entry(petition)
    assert (entry.from_status, entry.to_status, entry.is_public) == (S.CLASSIFIED, S.DECLINED, True)
    assert queries.public_status(petition)["decline_reason"] == "Nội dung đã được trả lời tại kỳ họp trước."


def test_illegal_declines_change_nothing(w):
    petition = w.received()
    refused(lambda: actions.decline(petition, "   ", by=w.coordinator), petition, match="lý do")
    assigned = w.assigned().petition
    refused(lambda: actions.decline(assigned, "Lý do", by=w.coordinator), assigned)


@pytest.mark.parametrize("kind, law", [(K.TO_CAO, "Luật Tố cáo"), (K.KHIEU_NAI, "Luật Khiếu nại")])
def test_a_complaint_or_denunciation_goes_to_its_legal_track(w, kind, law):
    petition = w.received(kind=kind)
    actions.send_to_legal_track(petition, body="Ủy ban Kiểm tra Đảng ủy xã", document="12-CV/ĐU", by=w.coordinator)
    petition = reload(petition)
    assert petition.status == S.LEGAL_TRACK
    entry = last_entry(petition)
    assert (entry.from_status, entry.to_status) == (S.RECEIVED, S.LEGAL_TRACK)
    assert law in entry.note and "12-CV/ĐU" in entry.note
    assert all(step["note"] == "" for step in queries.public_status(petition)["steps"])  # never published


def test_illegal_legal_tracks_change_nothing(w):
    ordinary = w.received()
    refused(
        lambda: actions.send_to_legal_track(ordinary, body="Cơ quan", by=w.coordinator),
        ordinary,
        match="Chỉ khiếu nại, tố cáo",
    )
    denunciation = w.received(kind=K.TO_CAO)
    refused(lambda: actions.send_to_legal_track(denunciation, body="  ", by=w.coordinator), denunciation)
    actions.send_to_legal_track(denunciation, body="Công an xã", by=w.coordinator)
    refused(lambda: actions.send_to_legal_track(denunciation, body="Công an xã", by=w.coordinator), denunciation)


# ---------------------------------------------------------------- assignment and forwarding


def test_assign_hands_the_petition_to_the_lead_with_coordinating_agencies(w):
    petition = w.classified()
    assignment = actions.assign(
        petition,
        w.cs.economy,
        coordinating=[w.cs.culture, w.cs.economy],
        instructions="Khảo sát, báo cáo trước 10/12.",
        by=w.coordinator,
    )
    petition = reload(petition)
    assert petition.status == S.ASSIGNED and petition.jurisdiction == "commune"
    assert (assignment.lead, assignment.status, assignment.is_current) == (w.cs.economy, "assigned", True)
    assert list(assignment.coordinating.all()) == [w.cs.culture]  # the lead is not also coordinating
    assert assignment.deadline == petition.deadline == dt.date(2026, 12, 18)
    entry = last_entry(petition)
    assert (entry.action, entry.from_status, entry.to_status) == ("assign", S.CLASSIFIED, S.ASSIGNED)


def test_reassigning_ends_the_previous_assignment(w):
    first = w.assigned()
    second = actions.assign(first.petition, w.cs.culture, deadline=dt.date(2026, 12, 30), by=w.coordinator)
    assert not reload(first).is_current and reload(second).is_current
    assert reload(first.petition).deadline == dt.date(2026, 12, 30)
    assert last_entry(first.petition).from_status == last_entry(first.petition).to_status == S.ASSIGNED


def test_illegal_assignments_change_nothing(w):
    received = w.received()
    refused(lambda: actions.assign(received, w.cs.economy, by=w.coordinator), received, match="Không thể giao")
    petition = w.classified()
    for lead in (
        w.other.economy,
        w.cs.higher,
        factories.OrganizationFactory(unit=w.unit, name="Thôn Hạ", kind="village"),
    ):
        refused(lambda lead=lead: actions.assign(petition, lead, by=w.coordinator), petition)
    refused(
        lambda: actions.assign(petition, w.cs.economy, coordinating=[w.other.culture], by=w.coordinator),
        petition,
        match="phối hợp",
    )
    refused(
        lambda: actions.assign(petition, w.cs.economy, deadline=TODAY - dt.timedelta(days=1), by=w.coordinator),
        petition,
        match="trước ngày hôm nay",
    )


def test_forward_needs_the_outgoing_documents_number_and_date(w):
    petition = w.classified()
    assignment = actions.forward(
        petition, w.cs.higher, outgoing_number=" 215/UBND-VP ", outgoing_date=TODAY, by=w.coordinator
    )
    petition = reload(petition)
    assert (petition.status, petition.jurisdiction) == (S.FORWARDED, "higher")
    assert (assignment.outgoing_number, assignment.outgoing_date) == ("215/UBND-VP", TODAY)
    assert assignment.is_forwarding and assignment.deadline == dt.date(2027, 1, 11)  # 30 working days
    entry = last_entry(petition)
    assert (entry.from_status, entry.to_status) == (S.CLASSIFIED, S.FORWARDED)
    assert "Công văn số 215/UBND-VP ngày 27/11/2026" in entry.note


def test_illegal_forwards_change_nothing(w):
    petition = w.classified()

    def forward(**kw):
        fields = {"authority": w.cs.higher, "outgoing_number": "215/UBND-VP", "outgoing_date": TODAY}
        fields.update(kw)
        return lambda: actions.forward(petition, fields.pop("authority"), **fields, by=w.coordinator)

    refused(forward(outgoing_number=""), petition, match="số và ngày")
    refused(forward(outgoing_date=None), petition, match="số và ngày")
    refused(forward(outgoing_date=TODAY + dt.timedelta(days=1)), petition, match="sau ngày hôm nay")
    refused(forward(authority=w.cs.economy), petition, match="cấp có thẩm quyền")
    refused(forward(authority=w.other.higher), petition)
    received = w.received()
    refused(
        lambda: actions.forward(received, w.cs.higher, outgoing_number="1", outgoing_date=TODAY, by=w.coordinator),
        received,
    )


def test_accept_and_return_to_the_coordinator(w):
    assignment = w.assigned()
    actions.accept_assignment(assignment, by=w.economy)
    assert reload(assignment).status == "accepted"
    assert last_entry(assignment.petition).action == "accept"
    refused(lambda: actions.accept_assignment(assignment, by=w.economy), assignment.petition, match="Chỉ nhận")

    actions.return_assignment(assignment, "Việc thuộc Phòng Văn hóa - Xã hội.", by=w.economy)
    assignment, petition = reload(assignment), reload(assignment.petition)
    assert (assignment.status, assignment.is_current, assignment.returned_reason) == (
        "returned",
        False,
        "Việc thuộc Phòng Văn hóa - Xã hội.",
    )
    assert petition.status == S.CLASSIFIED
    entry = last_entry(petition)
    assert (entry.action, entry.from_status, entry.to_status, entry.is_public) == (
        "return",
        S.ASSIGNED,
        S.CLASSIFIED,
        False,
    )
    refused(lambda: actions.return_assignment(assignment, "Lại", by=w.economy), petition)
    # Back with the coordinator, who assigns it again.
    actions.assign(petition, w.cs.culture, by=w.coordinator)
    assert reload(petition).status == S.ASSIGNED


def test_a_return_needs_a_reason(w):
    assignment = w.assigned()
    refused(lambda: actions.return_assignment(assignment, " ", by=w.economy), assignment.petition, match="lý do")


def test_extension_request_grant_and_refusal_move_deadlines(w):
    assignment = w.assigned()
    old = assignment.deadline
    request = actions.request_extension(
        assignment, new_deadline=dt.date(2027, 1, 15), reason="Chờ kinh phí", by=w.economy
    )
    assert request.status == ExtensionRequest.Status.REQUESTED and last_entry(assignment.petition).action == (
        "extension_requested"
    )
    refused(
        lambda: actions.request_extension(assignment, new_deadline=dt.date(2027, 1, 20), reason="Thêm", by=w.economy),
        assignment.petition,
        match="đang chờ",
    )

    actions.decide_extension(request, grant=True, note="Đồng ý", by=w.coordinator)
    assert reload(assignment).deadline == reload(assignment.petition).deadline == dt.date(2027, 1, 15) != old
    assert last_entry(assignment.petition).note == "Gia hạn đến 15/01/2027: Đồng ý"
    refused(
        lambda: actions.decide_extension(request, grant=False, by=w.coordinator),
        assignment.petition,
        match="đã được quyết định",
    )

    second = actions.request_extension(assignment, new_deadline=dt.date(2027, 2, 26), reason="Thêm", by=w.economy)
    actions.decide_extension(second, grant=False, note="Không có căn cứ", by=w.coordinator)
    assert reload(assignment).deadline == reload(assignment.petition).deadline == dt.date(2027, 1, 15)
    assert reload(second).status == ExtensionRequest.Status.REFUSED


def test_illegal_extension_requests_change_nothing(w):
    assignment = w.assigned()
    refused(
        lambda: actions.request_extension(assignment, new_deadline=assignment.deadline, reason="Chờ", by=w.economy),
        assignment.petition,
        match="sau hạn hiện tại",
    )
    refused(
        lambda: actions.request_extension(assignment, new_deadline=dt.date(2027, 1, 15), reason=" ", by=w.economy),
        assignment.petition,
        match="lý do",
    )


def test_an_extension_of_an_assignment_given_back_can_no_longer_be_granted(w):
    assignment = w.assigned()
    request = actions.request_extension(
        assignment, new_deadline=dt.date(2027, 1, 15), reason="Chờ kinh phí", by=w.economy
    )
    actions.return_assignment(assignment, "Không thuộc lĩnh vực của phòng.", by=w.economy)
    refused(lambda: actions.decide_extension(request, grant=True, by=w.coordinator), assignment.petition)


# ---------------------------------------------------------------- answers


def test_an_answer_given_in_the_hall_waits_for_the_chairs_approval_like_any_answer(w):
    petition = w.classified_at_dialogue()
    answer = actions.answer_at_dialogue(
        petition, "Xã sẽ lắp đèn trong tháng 12.", organization=w.cs.economy, by=w.chair
    )
    petition = reload(petition)
    assert petition.status == S.ANSWER_PENDING
    assert answer.at_dialogue and answer.source == "chair" and answer.approved_at is None and answer.is_current
    entry = last_entry(petition)
    assert (entry.from_status, entry.to_status, entry.is_public) == (S.CLASSIFIED, S.ANSWER_PENDING, False)
    assert entry.note == "Phòng Kinh tế trả lời tại hội nghị"
    assert queries.public_status(petition)["status_label"] == "Đang giải quyết"


def test_illegal_answers_at_a_dialogue_change_nothing(w):
    not_raised_there = w.classified()
    refused(
        lambda: actions.answer_at_dialogue(not_raised_there, "Trả lời", by=w.chair),
        not_raised_there,
        match="không được nêu tại một buổi",
    )
    complaint = w.at_dialogue(kind=K.KHIEU_NAI)
    refused(lambda: actions.answer_at_dialogue(complaint, "Trả lời", by=w.chair), complaint, match="thủ tục riêng")
    unclassified = w.at_dialogue()
    refused(lambda: actions.answer_at_dialogue(unclassified, "Trả lời", by=w.chair), unclassified, match="phân loại")
    petition = w.classified_at_dialogue()
    refused(lambda: actions.answer_at_dialogue(petition, "  ", by=w.chair), petition, match="nội dung")
    actions.assign(petition, w.cs.economy, by=w.coordinator)
    refused(lambda: actions.answer_at_dialogue(petition, "Trả lời", by=w.chair), petition)


def test_record_answer_waits_for_the_chairs_approval(w):
    assignment = w.assigned()
    answer = actions.record_answer(
        assignment.petition,
        "Xã đã bố trí kinh phí sửa chữa.",
        document_number="88/UBND-KT",
        document_date=TODAY,
        by=w.economy,
    )
    petition = reload(assignment.petition)
    assert petition.status == S.ANSWER_PENDING
    assert reload(assignment).status == "answered"
    assert (answer.assignment, answer.organization, answer.source) == (assignment, w.cs.economy, "agency")
    assert answer.approved_at is None and answer.is_current
    entry = last_entry(petition)
    assert (entry.from_status, entry.to_status, entry.is_public) == (S.ASSIGNED, S.ANSWER_PENDING, False)
    assert queries.public_status(petition)["status_label"] == "Đang giải quyết"  # the public sees no change yet


def test_a_forwarded_petitions_answer_is_the_higher_authoritys(w):
    assignment = w.forwarded()
    answer = actions.record_answer(assignment.petition, "UBND tỉnh đã trả lời.", by=w.coordinator)
    assert answer.source == "higher_authority" and answer.organization == w.cs.higher


def test_record_answer_needs_a_current_assignment(w):
    assignment = w.assigned()
    Assignment.objects.filter(pk=assignment.pk).update(is_current=False)
    refused(
        lambda: actions.record_answer(assignment.petition, "Trả lời", by=w.coordinator),
        assignment.petition,
        match="chưa được giao",
    )


def test_illegal_answers_change_nothing(w):
    classified = w.classified()
    refused(lambda: actions.record_answer(classified, "Trả lời", by=w.coordinator), classified)
    petition = w.assigned().petition
    refused(lambda: actions.record_answer(petition, "", by=w.economy), petition, match="nội dung")
    refused(
        lambda: actions.record_answer(petition, "Trả lời", document_number="88/UBND", by=w.economy),
        petition,
        match="cả số và ngày",
    )
    refused(
        lambda: actions.record_answer(
            petition, "Trả lời", document_number="88/UBND", by=w.economy, document_date=TODAY + dt.timedelta(days=1)
        ),
        petition,
    )


def test_the_answers_document_is_checked_by_content_and_stored_under_a_generated_name(
    w, settings, django_capture_on_commit_callbacks
):
    petition = w.assigned().petition
    refused(
        lambda: actions.record_answer(
            petition, "Trả lời", document_file=_upload("cong-van.pdf", b"MZ\x90\x00" * 50), by=w.economy
        ),
        petition,
        match="cong-van.pdf",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = actions.record_answer(
            petition,
            "Trả lời",
            document_number="88/UBND-KT",
            document_date=TODAY,
            document_file=_upload("Công văn trả lời bà Mẫu.pdf", PDF),
            by=w.economy,
        )
    answer = reload(answer)
    assert re.fullmatch(r"answers/[\w/-]+\.pdf", answer.document_file.name), answer.document_file.name
    assert "Mẫu" not in answer.document_file.name and "ng-v" not in answer.document_file.name
    assert answer.document_file.read() == PDF


def test_the_answers_document_is_stored_with_the_extension_of_its_content_not_its_name(w):
    petition = w.assigned().petition
    polyglot = PDF + b"<html><script>alert(document.cookie)</script></html>"
    answer = actions.record_answer(
        petition,
        "Trả lời",
        document_number="88/UBND-KT",
        document_date=TODAY,
        document_file=_upload("tra-loi.html", polyglot),
        by=w.economy,
    )
    assert answer.document_file.name.endswith(".pdf")


def test_the_organisation_answering_at_a_dialogue_belongs_to_the_unit(w):
    petition = w.classified_at_dialogue()
    refused(lambda: actions.answer_at_dialogue(petition, "Trả lời", organization=w.other.economy, by=w.chair), petition)


def test_approve_is_the_chairs_and_only_of_a_pending_answer(w):
    petition = w.pending()
    answer = actions.approve_answer(petition, public_text="Xã đã bố trí kinh phí.", by=w.chair)
    petition = reload(petition)
    assert petition.status == S.ANSWERED and answer.approved_by == w.chair
    assert answer.public_text == "Xã đã bố trí kinh phí."
    entry = last_entry(petition)
    assert (entry.from_status, entry.to_status) == (S.ANSWER_PENDING, S.ANSWERED)
    refused(lambda: actions.approve_answer(petition, by=w.chair), petition, match="chờ duyệt")


def test_publish_needs_an_approved_answer_and_a_public_summary(w):
    pending = w.pending()
    refused(lambda: actions.publish(pending, by=w.coordinator), pending, match="Chỉ công khai")
    no_summary = w.answered(summary="")
    refused(lambda: actions.publish(no_summary, by=w.coordinator), no_summary, match="tóm tắt công khai")
    actions.edit_public_summary(no_summary, "Đề nghị sửa đường.", by=w.coordinator)
    Answer.objects.filter(petition=no_summary).update(public_text="")
    refused(lambda: actions.publish(no_summary, by=w.coordinator), no_summary, match="trả lời công khai")

    petition = w.answered()
    answer = actions.publish(petition, by=w.coordinator)
    petition = reload(petition)
    assert petition.status == S.CLOSED and petition.is_public and answer.published_at is not None
    entry = last_entry(petition)
    assert (entry.action, entry.from_status, entry.to_status) == ("publish", S.ANSWERED, S.CLOSED)
    assert queries.public_status(petition)["answer"]["document_number"] == "88/UBND-KT"


@pytest.mark.parametrize("kind", [K.KHIEU_NAI, K.TO_CAO])
def test_a_complaint_or_denunciation_is_never_published(w, kind):
    # The workflow never takes a complaint to an answer (it goes to its legal procedure); an answered one can only
    # come from data entered before, so the state is set directly here.
    petition = w.answered()
    Petition.objects.filter(pk=petition.pk).update(kind=kind)
    petition = reload(petition)
    refused(lambda: actions.publish(petition, by=w.coordinator), petition, match="không bao giờ được công khai")
    actions.close(petition, "Đã trả lời riêng người gửi.", by=w.coordinator)
    assert not reload(petition).is_public


def test_close_needs_a_reason_and_an_answer(w):
    petition = w.answered()
    refused(lambda: actions.close(petition, "", by=w.coordinator), petition, match="lý do")
    assigned = w.assigned().petition
    refused(lambda: actions.close(assigned, "Xong", by=w.coordinator), assigned, match="đã có trả lời")
    actions.close(petition, "Trả lời riêng cho người gửi.", by=w.coordinator)
    petition = reload(petition)
    assert petition.status == S.CLOSED and not petition.is_public
    assert (last_entry(petition).from_status, last_entry(petition).to_status) == (S.ANSWERED, S.CLOSED)


# ---------------------------------------------------------------- the submitter's feedback


def test_satisfied_feedback_is_recorded_once(w):
    petition = w.closed()
    answer = actions.record_feedback(petition, satisfied=True)
    assert answer.satisfaction == "satisfied" and reload(petition).status == S.CLOSED
    refused(lambda: actions.record_feedback(petition, satisfied=False, reason="Đổi ý"), petition, match="đánh giá")


def test_unsatisfied_feedback_reopens_to_classified_keeping_the_old_answer_in_the_timeline(w):
    petition = w.closed()
    old = Answer.objects.get(petition=petition)

    actions.record_feedback(petition, satisfied=False, reason="Đường vẫn chưa được sửa.")

    petition, old = reload(petition), reload(old)
    assert petition.status == S.CLASSIFIED and not petition.is_public
    assert not old.is_current and old.satisfaction == "unsatisfied" and old.text  # kept, no longer current
    assert not Assignment.objects.filter(petition=petition, is_current=True).exists()
    feedback, reopen = HistoryEntry.objects.filter(petition=petition).order_by("-id")[:2][::-1]
    assert feedback.action == "feedback" and feedback.note.startswith("Chưa hài lòng")
    assert old.satisfaction_reason == "Đường vẫn chưa được sửa."
    assert (reopen.action, reopen.from_status, reopen.to_status) == ("reopen", S.CLOSED, S.CLASSIFIED)
    assert petition.deadline == dt.date(2026, 12, 18)  # a fresh deadline from today
    steps = [step["action"] for step in queries.public_status(petition)["steps"]]
    assert steps[-3:] == ["publish", "feedback", "reopen"]

    # Handled again: a second answer; both stay on record, one is current.
    actions.assign(petition, w.cs.economy, by=w.coordinator)
    actions.record_answer(petition, "Đã sửa xong tháng 12.", by=w.economy)
    assert list(Answer.objects.filter(petition=petition).order_by("id").values_list("is_current", flat=True)) == [
        False,
        True,
    ]


def test_illegal_feedback_changes_nothing(w):
    assigned = w.assigned().petition
    refused(lambda: actions.record_feedback(assigned, satisfied=True), assigned, match="chưa có trả lời")
    petition = w.closed()
    refused(lambda: actions.record_feedback(petition, satisfied=False, reason=" "), petition, match="vì sao")


# ---------------------------------------------------------------- identity


def test_a_denouncers_identity_is_for_the_coordinator_and_the_chair_and_every_view_is_logged(w):
    denunciation = w.assigned(kind=K.TO_CAO, summary="").petition
    for user in (w.coordinator, w.chair, w.coordinator):
        identity = actions.view_identity(denunciation, user, context="Trang chi tiết")
        assert identity["name"] == "Trần Thị Mẫu" and identity["phone"] == "0987654321"
    views = list(IdentityView.objects.filter(petition=denunciation).order_by("id"))
    assert [v.user for v in views] == [w.coordinator, w.chair, w.coordinator]
    assert views[0].context == "Trang chi tiết"


@pytest.mark.parametrize(
    "who", ["economy", "culture", "farmers_rep", "front_rep", "province", "other_coordinator", "secretary", "anonymous"]
)
def test_nobody_else_sees_a_denouncers_identity_not_even_the_assigned_agency(w, who):
    denunciation = w.assigned(kind=K.TO_CAO, summary="").petition
    refused(
        lambda: actions.view_identity(denunciation, _user(w, who)),
        denunciation,
        match="không được xem thông tin người gửi",
    )


def test_the_lead_agency_sees_an_ordinary_submitters_identity_without_a_log_entry(w):
    petition = w.assigned().petition
    assert actions.view_identity(petition, w.economy)["email"] == "mau@example.vn"
    assert not IdentityView.objects.exists()
    refused(lambda: actions.view_identity(petition, w.culture), petition)


def test_a_complaints_identity_views_are_logged_too(w):
    complaint = w.classified(kind=K.KHIEU_NAI, summary="")
    actions.view_identity(complaint, w.coordinator)
    assert IdentityView.objects.filter(petition=complaint).count() == 1


# ---------------------------------------------------------------- one transaction; notifications after commit


def test_the_history_entry_is_written_in_the_same_transaction_as_the_move(w, monkeypatch):
    from doithoai.petitions import notices

    petition = w.classified()
    before = snapshot(petition)

    def fail(*args, **kwargs):
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(notices, "status_changed", fail)  # fails after the move and its history entry
    with pytest.raises(RuntimeError):
        actions.decline(petition, "Trùng lặp", by=w.coordinator)
    assert snapshot(petition) == before  # the status and the history entry were rolled back together


def test_notifications_are_delivered_only_after_commit(w, immediate_tasks, django_capture_on_commit_callbacks):
    petition = w.classified()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.assign(petition, w.cs.economy, by=w.coordinator)
    queued = Notification.objects.filter(petition=petition, kind__in=["assigned", "status"])
    assert {n.recipient for n in queued} == {"kinhte@tanyen.example"}  # recorded in the transaction…
    assert all(n.status == "queued" for n in queued)
    assert mail.outbox == []  # …sent by nobody yet

    for callback in callbacks:  # the commit
        callback()
    assert [m.to for m in mail.outbox] == [["kinhte@tanyen.example"]]
    assert mail.outbox[0].subject == f"Giao xử lý ý kiến {petition.code}, hạn 18/12/2026"
    assert "Trần Thị Mẫu" not in mail.outbox[0].body and "0987654321" not in mail.outbox[0].body
    assert all(n.status == "sent" for n in queued.all())


def test_each_step_tells_the_right_people(w, immediate_tasks, django_capture_on_commit_callbacks):
    def step(call):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = call()
        return result, sorted(address for m in mail.outbox for address in m.to)

    petition, sent = step(lambda: w.received())
    assert sent == ["mau@example.vn"]  # the receipt, with the tracking code
    assert petition.code in mail.outbox[0].body
    _, sent = step(
        lambda: actions.classify(
            petition,
            topic=factories.canonical_topic(),
            kind=K.KIEN_NGHI,
            jurisdiction="commune",
            public_summary="Sửa đường",
            by=w.coordinator,
        )
    )
    assert sent == []
    assignment, sent = step(lambda: actions.assign(petition, w.cs.economy, by=w.coordinator))
    assert sent == ["kinhte@tanyen.example"]
    request, sent = step(
        lambda: actions.request_extension(assignment, new_deadline=dt.date(2027, 1, 8), reason="Chờ", by=w.economy)
    )
    assert sent == ["vanphong@tanyen.example"]
    _, sent = step(lambda: actions.decide_extension(request, grant=True, by=w.coordinator))
    assert sent == ["kinhte@tanyen.example"]
    _, sent = step(lambda: actions.record_answer(petition, "Đã sửa.", by=w.economy))
    assert sent == ["bithu@tanyen.example"]
    _, sent = step(lambda: actions.approve_answer(petition, by=w.chair))
    assert sent == ["mau@example.vn"]
    _, sent = step(lambda: actions.publish(petition, by=w.coordinator))
    assert sent == ["mau@example.vn"]
    _, sent = step(lambda: actions.record_feedback(petition, satisfied=False, reason="Chưa sửa xong"))
    assert sent == ["vanphong@tanyen.example"]


def test_a_refused_action_queues_nothing(w, immediate_tasks, django_capture_on_commit_callbacks):
    petition = w.classified()
    count = Notification.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ActionError):
        actions.assign(petition, w.cs.economy, deadline=TODAY - dt.timedelta(days=3), by=w.coordinator)
    assert callbacks == [] and mail.outbox == [] and Notification.objects.count() == count


def test_no_notification_to_staff_names_a_denouncer(w, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = w.assigned(kind=K.TO_CAO, summary="", name="Lê Văn Tố", email="levanto@example.vn")
        actions.return_assignment(assignment, "Chuyển cơ quan khác", by=w.economy)
    staff_mail = [m for m in mail.outbox if m.to != ["levanto@example.vn"]]
    assert {m.to[0] for m in staff_mail} == {"kinhte@tanyen.example", "vanphong@tanyen.example"}  # assigned, returned
    for message in staff_mail:
        assert "Lê Văn Tố" not in message.subject + message.body and "levanto" not in message.body


@pytest.mark.parametrize("kind", [K.KHIEU_NAI, K.TO_CAO])
def test_a_complaint_or_denunciation_is_not_assigned_or_forwarded_but_sent_to_its_legal_procedure(w, kind):
    petition = w.classified(kind=kind)
    refused(lambda: actions.assign(petition, w.cs.economy, by=w.coordinator), petition, match="thủ tục riêng")
    refused(
        lambda: actions.forward(petition, w.cs.higher, outgoing_number="1/VP", outgoing_date=TODAY, by=w.coordinator),
        petition,
        match="thủ tục riêng",
    )
    actions.send_to_legal_track(petition, body="Thanh tra tỉnh", by=w.coordinator)
    assert reload(petition).status == S.LEGAL_TRACK
