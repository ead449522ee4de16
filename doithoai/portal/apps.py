from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "doithoai.portal"
    label = "portal"
    verbose_name = "Trang công khai và trang cán bộ"
