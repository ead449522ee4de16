from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "doithoai.petitions"
    label = "petitions"
    verbose_name = "Ý kiến, kiến nghị"

    def ready(self) -> None:
        from doithoai.notifications import reminders
        from doithoai.petitions.reminders import collect

        reminders.register(collect)
