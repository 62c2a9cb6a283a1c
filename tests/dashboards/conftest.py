from tests.applications.conftest import (  # noqa: F401 - fixtures shared with the applications tests
    draft,
    nansha,
    org,
    other_org,
    ready_draft,
    submitted,
)
