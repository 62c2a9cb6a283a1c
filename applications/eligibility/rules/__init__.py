"""One module per rule family; importing this package registers every check."""

from . import finance, history, holdings, officer, organisation, partners  # noqa: F401
