from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "doithoai.petitions"
    label = "petitions"
    verbose_name = "Ý kiến, kiến nghị"
