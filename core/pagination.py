from django.core.paginator import Page, Paginator
from django.db.models import Subquery

from .counts import CountAll


def paginate(request, queryset, per_page: int = 20) -> tuple[Page, str]:
    """The requested page, and the query string (filters) to keep in the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return page, _querystring(request)


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def paginate_ids(request, queryset, rows, per_page: int = 20) -> tuple[Page, str]:
    """Cut the page on primary keys alone (an index scan, however deep the page), then load only those rows
    with ``rows(ids)``, which may join and annotate freely. The cut runs as a subquery of the rows query, and the
    total as another (computed once), so a page is one round trip; the rows keep ``queryset``'s order. A page
    past the end (only from an edited or stale link) costs a count and a second rows query, for the last page."""
    ids = queryset.values_list("pk", flat=True)
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    paginator = Paginator(ids, per_page)
    number = _page_number(request.GET.get("page"))
    total = Subquery(queryset.order_by().annotate(_n=CountAll()).values("_n")[:1])
    bottom = (number - 1) * per_page
    objects = list(rows(ids[bottom:bottom + per_page]).annotate(_page_total=total).order_by(*ordering))
    if objects:
        paginator.count = objects[0]._page_total  # Paginator.count is a cached property: no COUNT query
    elif number == 1:
        paginator.count = 0
    page = paginator.get_page(number)
    if not objects and page.number != number:  # past the end: the last page instead
        number = page.number
        bottom = (number - 1) * per_page
        objects = list(rows(ids[bottom:bottom + per_page]).order_by(*ordering))
    page.object_list = objects
    return page, _querystring(request)
