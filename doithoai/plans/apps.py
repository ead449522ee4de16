from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "doithoai.plans"
    label = "plans"
    verbose_name = "Kế hoạch và buổi đối thoại"

    def ready(self) -> None:
        from doithoai.notifications import reminders
        from doithoai.plans.reminders import announcement_messages

        reminders.register(announcement_messages)
