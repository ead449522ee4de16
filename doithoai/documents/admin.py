from django.contrib import admin

from doithoai.documents.models import Document, DocumentRegister, PartyTerm
from doithoai.lib.admin import ReadOnlyAdmin


@admin.register(PartyTerm)
class PartyTermAdmin(admin.ModelAdmin):
    list_display = ["label", "unit", "starts_on", "ends_on"]


@admin.register(DocumentRegister)
class DocumentRegisterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "style", "doc_type", "body_symbol", "numbers_before_system"]
    list_filter = ["unit", "style", "doc_type"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Numbers come from the register action; issued papers are records, read here, never typed."""

    list_display = ["number_and_symbol", "summary", "issued_on", "signer_post"]
    list_filter = ["register__doc_type"]
    list_select_related = ["register"]

    @admin.display(description="số, ký hiệu", ordering="number")
    def number_and_symbol(self, obj: Document) -> str:
        return obj.code
