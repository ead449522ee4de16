"""The public JSON API under /api/v1/ (DESIGN.md §7), with its OpenAPI document.

Every answer, errors included, is in Vietnamese: Pydantic's and ninja's own messages are English, so each kind of
error is mapped here. Every string of a JSON body, keys included, is cleaned like a form value (lib/text.clean).
"""

import json

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from doithoai.api import dialogues, petitions
from doithoai.lib.text import clean

NOT_FOUND = "Không tìm thấy."
# ninja's own refusals, as it words them, and what a Vietnamese client reads instead.
HTTP_ERRORS = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Không có quyền thực hiện thao tác này.",
    405: "Phương thức không được hỗ trợ.",
    415: petitions.NOT_JSON_TYPE,
}
HTTP_ERROR_TEXTS = {"Cannot parse request body": petitions.NOT_JSON}
# Pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) in Vietnamese.
PYDANTIC_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "string_type": "Giá trị không hợp lệ. Phải là một chuỗi văn bản.",
    "string_too_short": "Nội dung không được để trống.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "finite_number": "Phải là một số.",
    "greater_than": "Giá trị nằm ngoài khoảng cho phép.",
    "greater_than_equal": "Giá trị nằm ngoài khoảng cho phép.",
    "less_than": "Giá trị nằm ngoài khoảng cho phép.",
    "less_than_equal": "Giá trị nằm ngoài khoảng cho phép.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "list_type": "Phải là một danh sách.",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ.",
    "json_type": "Nội dung gửi lên không phải JSON hợp lệ.",
}


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Vietnamese letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class CleanJSONParser(Parser):
    """JSON bodies with every string, object keys included, cleaned as form values are (lib/text.clean): no NUL,
    control, bidi or invisible format character reaches a schema, an action or the database."""

    def parse_body(self, request: HttpRequest):
        return clean_json(json.loads(request.body))


def clean_json(value):
    """`value` with every string cleaned (multi-line: a schema or action makes one-line fields one line)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean(k, multiline=False): clean_json(v) for k, v in value.items()}
    return value


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    parser=CleanJSONParser(),
    title="Đối thoại — API công khai",
    version="1",
    description="Danh sách buổi tiếp xúc, đối thoại; gửi và tra cứu ý kiến, kiến nghị.",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    """Pydantic's messages are English: answer 422 with a Vietnamese message per field."""
    errors = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(_vietnamese_message(error))
    return api.create_response(request, {"detail": "Dữ liệu không hợp lệ.", "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """ninja's own refusals (a body it cannot parse, …) in Vietnamese."""
    text = HTTP_ERROR_TEXTS.get(exc.message) or HTTP_ERRORS.get(exc.status_code, "Yêu cầu không hợp lệ.")
    return api.create_response(request, {"detail": text}, status=exc.status_code)


def _vietnamese_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind in PYDANTIC_MESSAGES:
        return PYDANTIC_MESSAGES[kind]
    if kind.startswith("string_too_long"):
        return "Nội dung quá dài."
    if kind.startswith(("int", "float")):
        return "Phải là một số."
    if kind.startswith(("enum", "literal")):
        return "Giá trị không nằm trong danh sách cho phép."
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error") or "Giá trị không hợp lệ.")
    return "Giá trị không hợp lệ."


api.add_router("/dialogues", dialogues.router)
api.add_router("/petitions", petitions.router)
