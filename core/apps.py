from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: money, pagination, counts, text, lifecycle tables, background dispatch. Every app may
    import it; it imports none of them."""

    name = "core"
