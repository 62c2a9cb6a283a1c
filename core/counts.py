"""Counts as subqueries: a list counts related rows per row it shows, never by joining whole tables first."""

from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


class CountAll(Func):
    """``COUNT(*)`` without a GROUP BY: the whole queryset's count as one value (for a subquery)."""

    function = "COUNT"
    template = "%(function)s(*)"
    output_field = IntegerField()


def count_of(queryset: QuerySet) -> Coalesce:
    """The number of rows of ``queryset`` (typically filtered on an ``OuterRef``), as a subquery; 0 when none."""
    return Coalesce(Subquery(queryset.order_by().annotate(n=CountAll()).values("n")[:1]), 0)
