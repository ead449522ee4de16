from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "doithoai.api"
    label = "api"
    verbose_name = "API công khai"
