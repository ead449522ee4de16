from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "doithoai.plans"
    label = "plans"
    verbose_name = "Kế hoạch và buổi đối thoại"
