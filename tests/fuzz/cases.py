"""Every form that posts, as the fuzz tests use it: who may use it, the page that shows it (its fields are read
from there, so a field added later is fuzzed too), and the values a valid post needs that the page leaves empty.

`EXCLUDED` names the posting URLs not fuzzed here, each with its reason; tests/fuzz/test_forms.py fails when a
URL that accepts POST is in neither list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests import factories
from tests.fuzz.world import TODAY, World


@dataclass(frozen=True)
class Target:
    page: str  # the page showing the form
    action: str  # where the form posts
    fill: dict[str, str] = field(default_factory=dict)  # what a valid post needs beyond what the page shows


@dataclass(frozen=True)
class FormCase:
    route: str  # "namespace:name" of the URL the form posts to
    user: str | None  # the World attribute of the account that uses it; None: a visitor
    build: Callable[[World], Target]
    success: tuple[int, ...] = (302,)  # what the form, filled as built, answers

    def __str__(self) -> str:
        return self.route


CONTENT = "Đề nghị lắp đèn chiếu sáng đoạn đường từ thôn Trung ra quốc lộ."
DATE = "2026-12-20"
EXCLUDED = {
    "petitions:import": "fuzzed in tests/petitions/test_import_*.py (owned with the import pages)",
    "petitions:import_batch": "fuzzed in tests/petitions/test_import_*.py (owned with the import pages)",
    "accounts:logout": "no field: a POST only ends the session",
    "petitions:identity": "no field: a POST only shows (and logs) who sent the opinion",
    "accounts:unlock": "no field: a POST only unlocks the account its URL names",
    "plans:speaker_queue": "a page no form posts to: a POST is answered as a GET; its ?trang= is in test_queries.py",
}
EXCLUDED_PREFIXES = {
    "/quan-tri/": "the Django admin, for the administrator only; its forms are Django's own",
    "/can-bo/nhap-excel/": "fuzzed in tests/petitions/test_import_*.py (owned with the import pages)",
    "/can-bo/thu-gui/": "the outbox, fuzzed with its own tests (owned with the notifications)",
    "/api/": "the JSON API: fuzzed in tests/fuzz/test_api.py",
}


def _detail(tail: str, make: Callable[[World], object], **fill: str) -> Callable[[World], Target]:
    def build(w: World) -> Target:
        petition = make(w)
        page = f"/can-bo/y-kien/{petition.pk}/"
        return Target(page, f"{page}{tail}/", {k.replace("__", "-"): v for k, v in fill.items()})

    return build


def _agency(tail: str, accepted: bool, **fill: str) -> Callable[[World], Target]:
    def build(w: World) -> Target:
        from doithoai.petitions import actions

        assignment = w.assigned()
        if accepted:
            actions.accept_assignment(assignment, by=w.economy)
        page = f"/can-bo/co-quan/viec/{assignment.pk}/"
        return Target(page, f"{page}{tail}/" if tail else page, fill)

    return build


def _dialogue(tail: str, prepare: Callable[[World], object] | None = None, page_tail: str = "", **fill):
    def build(w: World) -> Target:
        if prepare:
            prepare(w)
        page = f"/can-bo/buoi/{w.dialogue.pk}/"
        return Target(page + page_tail, page + tail, {k.replace("__", "-"): v for k, v in fill.items()})

    return build


def _merge(w: World) -> Target:
    petition, target = w.received(), w.received(content="Đường liên thôn Trung – Hạ xuống cấp, đề nghị sửa.")
    page = f"/can-bo/y-kien/{petition.pk}/"
    return Target(page, f"{page}gop/", {"merge-target": target.code})


def _classify(w: World) -> Target:
    petition = w.received()
    page = f"/can-bo/y-kien/{petition.pk}/"
    return Target(page, f"{page}phan-loai/", {"classify-topic": str(factories.canonical_topic().pk)})


def _assign(w: World) -> Target:
    petition = w.classified()
    page = f"/can-bo/y-kien/{petition.pk}/"
    return Target(page, f"{page}giao/", {"assign-lead": str(w.cs.economy.pk), "assign-deadline": DATE})


def _forward(w: World) -> Target:
    petition = w.classified()
    page = f"/can-bo/y-kien/{petition.pk}/"
    fill = {"forward-authority": str(w.cs.higher.pk), "forward-outgoing_number": "215/UBND-VP"}
    return Target(page, f"{page}chuyen-cap-tren/", fill)


def _submit(w: World) -> Target:
    return Target("/gui-y-kien/", "/gui-y-kien/", {"content": CONTENT, "consent": "on"})


def _submit_at_dialogue(w: World) -> Target:
    url = f"/xa/{w.unit.slug}/gui-y-kien/?buoi={w.dialogue.pk}"
    return Target(url, url, {"content": CONTENT, "consent": "on"})


def _feedback(w: World) -> Target:
    petition = w.published()
    page = f"/tra-cuu/{petition.code}/"
    return Target(page, f"{page}danh-gia/", {"rating": "chua-hai-long", "reason": "Đường vẫn chưa được sửa."})


def _speak(w: World) -> Target:
    url = f"/doi-thoai/{w.dialogue.pk}/dang-ky-phat-bieu/"
    return Target(url, url, {"name": "Lê Văn Nam", "summary": "Về đường giao thông nông thôn.", "consent": "on"})


def _inbox_bulk(w: World) -> Target:
    petition = w.received()
    fill = {
        "chon": str(petition.pk),
        "thao_tac": "phan_loai",
        "pl-topic": str(factories.canonical_topic().pk),
        "pl-kind": "kien_nghi",
        "pl-jurisdiction": "commune",
    }
    return Target("/can-bo/y-kien/", "/can-bo/y-kien/thao-tac/", fill)


def _plan(tail: str, page_tail: str = "", **fill: str) -> Callable[[World], Target]:
    def build(w: World) -> Target:
        base = f"/can-bo/ke-hoach/{w.plan.pk}/"
        return Target(base + page_tail, base + tail, fill)

    return build


def _plan_create(w: World) -> Target:
    fill = {"title": "Kế hoạch tiếp xúc, đối thoại năm 2027", "year": "2027", "issuing_body": str(w.party_body.pk)}
    return Target("/can-bo/ke-hoach/moi/", "/can-bo/ke-hoach/moi/", fill)


def _task_add(w: World) -> Target:
    base = f"/can-bo/ke-hoach/{w.plan.pk}/nhiem-vu/"
    return Target(base, f"{base}them/", {"title": "Tổng hợp ý kiến", "organization": str(w.cs.farmers.pk)})


def _task_mark(w: World) -> Target:
    task = factories.PlanTaskFactory(plan=w.plan, organization=w.cs.farmers)
    base = f"/can-bo/ke-hoach/{w.plan.pk}/nhiem-vu/"
    return Target(base, f"{base}{task.pk}/", {"done": "1"})


def _invite(w: World) -> Target:
    w.person()
    page = f"/can-bo/buoi/{w.dialogue.pk}/"
    return Target(page, f"{page}giay-moi/", {"organizations": str(w.cs.farmers.pk)})


def _reply(w: World) -> Target:
    invitation = w.invitation()
    page = f"/can-bo/buoi/{w.dialogue.pk}/"
    return Target(page, f"{page}giay-moi/{invitation.pk}/tra-loi/", {"reply": "accepted"})


def _attendance(w: World) -> Target:
    invitation = w.invitation()
    w.scheduled(days_ahead=0)
    page = f"/can-bo/buoi/{w.dialogue.pk}/"
    return Target(page, f"{page}diem-danh/", {"present": str(invitation.pk)})


def _speaker_row(tail: str, **fill: str) -> Callable[[World], Target]:
    def build(w: World) -> Target:
        speaker = w.speaker()
        page = f"/can-bo/buoi/{w.dialogue.pk}/phat-bieu/"
        return Target(page, f"{page}{speaker.pk}/{tail}/", fill)

    return build


def _spoken(w: World) -> Target:
    from doithoai.plans import actions

    speaker = w.speaker()
    actions.accept_speaker(speaker, by=w.coordinator)
    w.scheduled(days_ahead=0)
    page = f"/can-bo/buoi/{w.dialogue.pk}/phat-bieu/"
    return Target(page, f"{page}{speaker.pk}/da-phat-bieu/")


def _speaker_move(w: World) -> Target:
    w.speaker()
    second = w.speaker()
    page = f"/can-bo/buoi/{w.dialogue.pk}/phat-bieu/"
    return Target(page, f"{page}{second.pk}/thu-tu/", {"to": "1"})


def _reception(w: World) -> Target:
    fill = {"day": "2026-12-15", "start": "08:00", "place": "Trụ sở Đảng ủy xã"}
    return Target("/can-bo/tiep-cong-dan/", "/can-bo/tiep-cong-dan/them/", fill)


CASES = (
    # ------------------------------------------------------------ public
    FormCase("portal:submit", None, _submit),
    FormCase("portal:commune_submit", None, _submit_at_dialogue),
    FormCase("portal:petition_feedback", None, _feedback),
    FormCase("portal:speaker_register", None, _speak),
    FormCase(
        "accounts:login",
        None,
        lambda w: Target("/dang-nhap/", "/dang-nhap/", {"username": "vanphong", "password": "mat-khau-thu-2026"}),
    ),
    FormCase(
        "accounts:password_change",
        "coordinator",
        lambda w: Target(
            "/doi-mat-khau/",
            "/doi-mat-khau/",
            {
                "old_password": "mat-khau-thu-2026",
                "new_password1": "Cau-tre-lang-Van-2027",
                "new_password2": "Cau-tre-lang-Van-2027",
            },
        ),
    ),
    # ------------------------------------------------------------ opinions: entry, organisations, inbox
    FormCase(
        "petitions:enter",
        "coordinator",
        lambda w: Target("/can-bo/y-kien/nhap/", "/can-bo/y-kien/nhap/", {"content": CONTENT, "channel": "phone"}),
    ),
    FormCase(
        "petitions:org_batch",
        "farmers_rep",
        lambda w: Target("/can-bo/to-chuc/y-kien/", "/can-bo/to-chuc/y-kien/", {"rows-0-content": CONTENT}),
    ),
    FormCase("petitions:inbox_bulk", "coordinator", _inbox_bulk),
    # ------------------------------------------------------------ one opinion's panels
    FormCase("petitions:summary", "coordinator", _detail("tom-tat", World.received)),
    FormCase("petitions:classify", "coordinator", _classify),
    FormCase("petitions:merge", "coordinator", _merge),
    FormCase(
        "petitions:decline",
        "coordinator",
        _detail("khong-thu-ly", World.received, decline__reason="Trùng với ý kiến đã trả lời."),
    ),
    FormCase(
        "petitions:legal",
        "coordinator",
        _detail("chuyen-phap-luat", lambda w: w.received(kind="khieu_nai"), legal__body="Thanh tra tỉnh Bắc Ninh"),
    ),
    FormCase("petitions:assign", "coordinator", _assign),
    FormCase("petitions:forward", "coordinator", _forward),
    FormCase(
        "petitions:higher_answer",
        "coordinator",
        _detail("tra-loi-cap-tren", lambda w: w.forwarded().petition, higher_answer__text="UBND tỉnh đã bố trí vốn."),
    ),
    FormCase(
        "petitions:dialogue_answer",
        "chair",
        _detail("tra-loi-hoi-nghi", World.answerable_at_dialogue, dialogue_answer__text="Xã sẽ sửa trong quý I."),
    ),
    FormCase("petitions:approve", "chair", _detail("duyet", World.pending)),
    FormCase(
        "petitions:return_answer",
        "chair",
        _detail("tra-lai-tra-loi", World.pending, return_answer__reason="Chưa nêu thời hạn hoàn thành."),
    ),
    FormCase("petitions:publish", "coordinator", _detail("cong-khai", World.answered)),
    FormCase(
        "petitions:close", "coordinator", _detail("ket-thuc", World.answered, close__reason="Người gửi đã rút ý kiến.")
    ),
    FormCase(
        "petitions:extension", "coordinator", _detail("gia-han", World.extension_asked, extension__decision="grant")
    ),
    # ------------------------------------------------------------ an agency's work
    FormCase("petitions:agency_accept", "economy", _agency("nhan", accepted=False)),
    FormCase(
        "petitions:agency_answer",
        "economy",
        _agency("tra-loi", accepted=True, text="Phòng đã khảo sát và đề xuất sửa."),
    ),
    FormCase(
        "petitions:agency_extension",
        "economy",
        _agency("gia-han", accepted=True, new_deadline=DATE, reason="Cần khảo sát hiện trường."),
    ),
    FormCase(
        "petitions:agency_return",
        "economy",
        _agency("tra-lai", accepted=False, reason="Không thuộc lĩnh vực của phòng."),
    ),
    # ------------------------------------------------------------ plans and their tasks
    FormCase("plans:plan_create", "coordinator", _plan_create),
    FormCase("plans:plan_edit", "coordinator", _plan("sua/", "sua/")),
    FormCase("plans:plan_quarterly", "coordinator", _plan("giao-ban-quy/", "thao-tac/")),
    FormCase(
        "plans:plan_add_dialogue",
        "coordinator",
        _plan("them-buoi/", "them-buoi/", title="Đối thoại với thanh niên", tentative_month="2027-03"),
    ),
    FormCase("plans:plan_task_mark", "coordinator", _task_mark),
    FormCase("plans:plan_task_add", "coordinator", _task_add),
    FormCase("plans:plan_tasks_standard", "coordinator", _plan("nhiem-vu/muc-iii/", "nhiem-vu/")),
    # ------------------------------------------------------------ one dialogue
    FormCase("plans:dialogue_schedule", "coordinator", _dialogue("lich/", day=DATE, start="08:00")),
    FormCase("plans:dialogue_members", "coordinator", _dialogue("phan-cong/")),
    FormCase("plans:dialogue_agenda", "coordinator", _dialogue("chuong-trinh/", agenda__0__title="Khai mạc")),
    FormCase("plans:dialogue_invite", "coordinator", _invite),
    FormCase("plans:dialogue_reply", "coordinator", _reply),
    FormCase("plans:dialogue_attendance", "secretary", _attendance),
    FormCase("plans:dialogue_held", "coordinator", _dialogue("da-to-chuc/", lambda w: w.scheduled(days_ahead=0))),
    FormCase("plans:dialogue_conclude", "chair", _dialogue("ket-luan/", World.held, conclusion="Giao Phòng Kinh tế.")),
    FormCase("plans:dialogue_cancel", "coordinator", _dialogue("huy/", World.scheduled, reason="Trùng lịch họp khẩn.")),
    FormCase("plans:announcement_save", "publisher", _dialogue("thong-bao/luu/", World.scheduled, "thong-bao/")),
    FormCase("plans:announcement_publish", "publisher", _dialogue("thong-bao/dang/", World.scheduled, "thong-bao/")),
    # ------------------------------------------------------------ speakers, slips, reception days
    FormCase(
        "plans:speaker_register",
        "secretary",
        _dialogue("phat-bieu/nhap/", None, "phat-bieu/", name="Lê Văn Nam", summary="Về đường giao thông."),
    ),
    FormCase("plans:speaker_accept", "secretary", _speaker_row("nhan")),
    FormCase("plans:speaker_spoke", "secretary", _spoken),
    FormCase("plans:speaker_withdraw", "secretary", _speaker_row("rut")),
    FormCase("plans:speaker_move", "secretary", _speaker_move),
    FormCase("plans:slips", "coordinator", _dialogue("phieu/", None, "phieu/")),
    FormCase("plans:reception_add", "coordinator", _reception),
)

assert TODAY.isoformat() < DATE  # the dates above are in the future of the frozen "today"
