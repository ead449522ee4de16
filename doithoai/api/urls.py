"""The public JSON API under /api/v1/ (DESIGN.md §7), with its OpenAPI document."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from doithoai.api import dialogues, petitions


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Vietnamese letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
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


def _vietnamese_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "Trường này là bắt buộc."
    if kind.startswith("string_too_long"):
        return "Nội dung quá dài."
    if kind.startswith("string_too_short"):
        return "Nội dung không được để trống."
    if kind.startswith(("int", "float")):
        return "Phải là một số."
    if kind.startswith("bool"):
        return "Phải là true hoặc false."
    if kind.startswith(("enum", "literal")):
        return "Giá trị không nằm trong danh sách cho phép."
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error") or error.get("msg", "Giá trị không hợp lệ."))
    return "Giá trị không hợp lệ."


api.add_router("/dialogues", dialogues.router)
api.add_router("/petitions", petitions.router)
