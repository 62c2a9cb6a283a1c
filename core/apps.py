from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    """The ground floor: money, pagination, counts, text, lifecycle tables, background dispatch. Every app may
    import it; it imports none of them."""

    name = "core"

    def ready(self) -> None:
        from .db import use_sqlite_parameter_limit

        connection_created.connect(use_sqlite_parameter_limit, dispatch_uid="core.sqlite_parameter_limit")
