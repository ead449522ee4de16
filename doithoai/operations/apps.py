from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the system: periodic sweeps, backups and restores, deployment checks (no models)."""

    name = "doithoai.operations"
    label = "operations"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from doithoai.operations import checks  # noqa: F401  (registers the deployment checks)
