from tests.applications.conftest import nansha  # noqa: F401  (the Nansha track with its call open)
