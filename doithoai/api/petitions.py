"""POST /api/v1/petitions (send an opinion) and GET /api/v1/petitions/{code} (its masked public status)."""

import datetime as dt
import functools
import json
import re

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field, field_validator

from doithoai.accounts.models import Unit
from doithoai.api import idempotency, ratelimit
from doithoai.api.responses import json_answer, message
from doithoai.lib.text import clean
from doithoai.petitions import notices, queries
from doithoai.petitions.actions import ActionError, submit_petition
from doithoai.petitions.models import Petition
from doithoai.plans.models import Dialogue

router = Router(tags=["Ý kiến, kiến nghị"])

SCOPE = "POST /api/v1/petitions"
MAX_BODY = 1024 * 1024  # 1 MB: an opinion of 20,000 characters fits many times over
MAX_ID = 2**63 - 1  # the largest id a database stores: a larger number names nothing
MAX_DEPTH = 8  # the body is a flat object: anything nested deeper is not a petition
JSON_TYPE = "application/json"
SURROGATE = re.compile(r"[\ud800-\udfff]")
INVALID = "Dữ liệu không hợp lệ."
NOT_FOUND = "Không tìm thấy mã theo dõi."
NOT_JSON = "Nội dung gửi lên không phải JSON hợp lệ."
NOT_JSON_TYPE = "Nội dung gửi lên phải có kiểu application/json (mã hóa UTF-8)."
LONE_SURROGATE = (
    "Có ký tự không hợp lệ (nửa cặp thay thế UTF-16 đứng một mình, ví dụ \\ud800); xin gửi văn bản Unicode hợp lệ."
)


class PetitionIn(Schema):
    content: str = Field(description="Nội dung ý kiến (bắt buộc, tối đa 20.000 ký tự).")
    name: str | None = Field(None, max_length=500, description="Họ và tên người gửi.")
    phone: str | None = Field(None, max_length=40, description="Số điện thoại (Việt Nam).")
    email: str | None = Field(None, max_length=320, description="Thư điện tử.")
    address: str | None = Field(None, max_length=1000, description="Địa chỉ, thôn, xóm.")
    organization: str | None = Field(None, max_length=500, description="Tổ chức, doanh nghiệp gửi (nếu có).")
    kind: Petition.Kind = Field(Petition.Kind.KIEN_NGHI, description="Loại ý kiến.")
    dialogue: int | None = Field(
        None, ge=1, le=MAX_ID, description="Mã số buổi tiếp xúc, đối thoại nơi ý kiến được nêu."
    )
    anonymous: bool = Field(False, description="Gửi ẩn danh (không áp dụng cho khiếu nại, tố cáo).")
    unit: str | None = Field(None, max_length=60, description="Mã đường dẫn của xã; bắt buộc khi hệ thống có nhiều xã.")

    @field_validator("dialogue", mode="before")
    @classmethod
    def _not_a_boolean(cls, value):
        # Pydantic would read JSON true as the number 1: a dialogue number is never a yes/no.
        if isinstance(value, bool):
            raise ValueError("Phải là một số.")
        return value


class PetitionCreated(Schema):
    code: str
    status: str
    status_url: str


class Message(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]


class Step(Schema):
    at: dt.datetime
    status: str
    label: str
    note: str


class PublishedAnswer(Schema):
    text: str
    by: str
    document_number: str
    document_date: dt.date | None
    published_at: dt.datetime | None


class PublicStatus(Schema):
    code: str
    status: str
    status_label: str
    received_at: dt.datetime
    topic: str | None
    steps: list[Step]
    answer: PublishedAnswer | None


# ------------------------------------------------------------------ POST /api/v1/petitions


def json_object_body(view):
    """Refuse, before anything else: a body that is not `application/json` (415), over 1 MB (413), not UTF-8 JSON
    or not an object or nested too deep (400), or holding a lone surrogate (422: text that is not Unicode)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        refused = body_problem(request)
        return refused or view(request, *args, **kwargs)

    return wrapped


def body_problem(request: HttpRequest) -> HttpResponse | None:
    """The refusal of a JSON body, or None when the body may be parsed and validated (DESIGN.md §7: 400 or 422)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if not declared and not request.content_type:
        return message(NOT_JSON, 400)  # nothing sent at all: no type to refuse, no object either
    if request.content_type.lower() != JSON_TYPE or request.content_params.get("charset", "utf-8").lower() != "utf-8":
        return message(NOT_JSON_TYPE, 415)
    if declared > MAX_BODY or len(request.body) > MAX_BODY:
        return message("Nội dung gửi lên quá lớn (tối đa 1 MB).", 413)
    try:
        data = json.loads(request.body.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        return message("Nội dung gửi lên phải là JSON mã hóa UTF-8.", 400)
    except (ValueError, RecursionError):
        return message(NOT_JSON, 400)
    if not isinstance(data, dict):
        return message("Nội dung gửi lên phải là một đối tượng JSON.", 400)
    if _depth(data) > MAX_DEPTH:
        return message(f"Nội dung gửi lên lồng nhau quá sâu (tối đa {MAX_DEPTH} tầng).", 400)
    broken = _with_lone_surrogate(data)
    if broken:
        return json_answer({"detail": INVALID, "errors": {broken: [LONE_SURROGATE]}}, 422)
    return None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python's json accepts them, the standard does not


def _depth(data) -> int:
    """How deeply arrays and objects nest (without recursion: the input decides the depth)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def _with_lone_surrogate(data: dict) -> str | None:
    """The top-level field whose value (or name) holds a lone surrogate ("\\ud800" escaped in the JSON), or None.
    Such text is not Unicode, cannot be stored or shown: the client must fix it (never guess what was meant)."""
    for key, value in data.items():
        stack = [key, value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and SURROGATE.search(item):
                return clean(key, multiline=False) or "__all__"
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _count_submission(request: HttpRequest):
    return ratelimit.check(request, ratelimit.SUBMIT)


@router.post(
    "",
    response={201: PetitionCreated, 400: Message, 409: Message, 413: Message, 415: Message, 422: Invalid, 429: Message},
    summary="Gửi ý kiến, kiến nghị",
)
# The last decorator is the outermost: body checks, then the Idempotency-Key, then (only for a request that will
# really run, not a replay) the rate limit, then ninja parses and validates.
@decorate_view(idempotency.idempotent(SCOPE, before=_count_submission), json_object_body)
def submit(
    request: HttpRequest,
    payload: PetitionIn,
    idempotency_key: str | None = Header(
        None, alias=idempotency.HEADER, description="Tùy chọn: gửi lại với cùng khóa sẽ nhận lại trả lời lần đầu."
    ),
):
    """Record an opinion on the online channel (the client has shown the consent text). Bad input → 422 with
    Vietnamese messages per field; a retry with the same `Idempotency-Key` returns the first answer."""
    errors: dict[str, list[str]] = {}
    unit = _unit(payload.unit, errors)
    dialogue = _dialogue(payload.dialogue, unit, errors) if unit else None
    if errors:
        return Status(422, {"detail": INVALID, "errors": errors})
    try:
        petition = submit_petition(
            unit,
            content=payload.content,
            channel=Petition.Channel.ONLINE,
            kind=payload.kind.value,
            name=payload.name or "",
            phone=payload.phone or "",
            email=payload.email or "",
            address=payload.address or "",
            organization_name=payload.organization or "",
            anonymous=payload.anonymous,
            dialogue=dialogue,
            consent=True,
        )
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": INVALID, "errors": messages})
    except ActionError as error:
        return Status(422, {"detail": INVALID, "errors": {"__all__": [str(error)]}})
    return Status(201, {"code": petition.code, "status": petition.status, "status_url": notices.status_url(petition)})


def _unit(slug: str | None, errors: dict) -> Unit | None:
    """The commune named by `unit`; with one commune in the deployment the field may be left out."""
    communes = Unit.objects.filter(level=Unit.Level.COMMUNE)
    slug = (slug or "").strip().lower()
    if slug:
        unit = communes.filter(slug=slug).first()
        if unit is None:
            errors["unit"] = [f"Không có xã nào với mã “{slug[:60]}”."]
        return unit
    found = list(communes[:2])
    if len(found) == 1:
        return found[0]
    errors["unit"] = ["Xin chọn xã nhận ý kiến (mã đường dẫn của xã)." if found else "Hệ thống chưa có xã nào."]
    return None


def _dialogue(dialogue_id: int | None, unit: Unit, errors: dict) -> Dialogue | None:
    if dialogue_id is None:
        return None
    dialogue = Dialogue.objects.filter(pk=dialogue_id, unit=unit).first()
    if dialogue is None:
        errors["dialogue"] = ["Không tìm thấy buổi tiếp xúc, đối thoại này của xã."]
    return dialogue


# ------------------------------------------------------------------ GET /api/v1/petitions/{code}


@router.get(
    "/{path:code}",
    response={200: PublicStatus, 404: Message, 429: Message},
    summary="Tra cứu tình hình giải quyết theo mã theo dõi",
)
@decorate_view(ratelimit.limited(ratelimit.LOOKUP))
def status(request: HttpRequest, code: str):
    """The public status of a tracking code, masked: never the submitter's name, phone, e-mail or address.
    Codes may be typed loosely (lower case, without dashes); any code that does not exist gives 404."""
    petition = queries.by_public_code(code[:64])
    if petition is None:
        return Status(404, {"detail": NOT_FOUND})
    return Status(200, public_status_out(petition))


def public_status_out(petition: Petition) -> dict:
    """queries.public_status narrowed to the API's keys; khiếu nại and tố cáo show status and steps only."""
    shown = queries.public_status(petition)
    confidential = petition.is_confidential
    answer = shown["answer"]
    return {
        "code": shown["code"],
        "status": shown["status"],
        "status_label": str(shown["status_label"]),
        "received_at": timezone.localtime(shown["received_at"]),
        "topic": None if confidential else shown["topic"],
        "steps": [
            {"at": timezone.localtime(s["at"]), "status": s["status"], "label": _label(s), "note": s["note"]}
            for s in shown["steps"]
        ],
        "answer": None
        if confidential or not answer
        else {
            "text": answer["text"],
            "by": answer["by"],
            "document_number": answer["document_number"],
            "document_date": answer["document_date"],
            "published_at": timezone.localtime(answer["published_at"]) if answer["published_at"] else None,
        },
    }


def _label(step: dict) -> str:
    """The public label of a step; a status with none of its own (merged) keeps its plain name."""
    if step["label"] or step["status"] not in Petition.Status.values:
        return str(step["label"])
    return str(Petition.Status(step["status"]).label)
