from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "doithoai.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
