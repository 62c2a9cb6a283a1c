from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the portal on more than one machine: the health check a load balancer asks, backups and restore.
    On the top floor: a backup reads every app's tables and files."""

    name = "ops"
    verbose_name = "Operations"
