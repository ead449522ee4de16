from django.contrib import admin

from doithoai.documents.models import Document, DocumentRegister, PartyTerm


@admin.register(PartyTerm)
class PartyTermAdmin(admin.ModelAdmin):
    list_display = ["label", "unit", "starts_on", "ends_on"]


@admin.register(DocumentRegister)
class DocumentRegisterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "style", "doc_type", "body_symbol", "numbers_before_system"]
    list_filter = ["unit", "style", "doc_type"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Numbers come from the register action; here they can be read, not typed."""

    list_display = ["code", "summary", "issued_on", "signer_post"]
    list_filter = ["register__doc_type"]
    readonly_fields = ["register", "number"]
    list_select_related = ["register"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
