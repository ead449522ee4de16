from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "doithoai.documents"
    label = "documents"
    verbose_name = "Văn bản và sổ đăng ký"
