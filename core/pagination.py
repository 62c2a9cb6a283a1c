from django.core.paginator import Page, Paginator
from django.db.models import Count, Subquery, Window

from .counts import CountAll


def paginate(request, queryset, per_page: int = 20) -> tuple[Page, str]:
    """The requested page, and the query string (filters) to keep in the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return page, _querystring(request)


def first_rows(queryset, n: int, rows=None) -> tuple[list, int]:
    """The first ``n`` rows of ``queryset`` and how many there are in all, in one query: the total is a subquery
    on each row, none are loaded beyond ``n``. With ``rows`` (ids → a queryset loading those rows, which may join
    freely), the rows are cut on their ids first, as ``paginate_ids`` cuts a page, and only those are joined."""
    total = Subquery(queryset.order_by().annotate(_n=CountAll()).values("_n")[:1])
    if rows is None:
        found = list(queryset.annotate(_total=total)[:n])
    else:
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        found = list(rows(queryset.values_list("pk", flat=True)[:n]).annotate(_total=total).order_by(*ordering))
    return found, (found[0]._total if found else 0)


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def paginate_ids(request, queryset, rows, per_page: int = 20, *, count_ahead: int | None = None,
                 total: int | None = None) -> tuple[Page, str]:
    """Cut the page on primary keys alone (an index scan, however deep the page), then load only those rows
    with ``rows(ids)``, which may join and annotate freely. The cut runs as a subquery of the rows query, and the
    total as another (computed once), so a page is one round trip; the rows keep ``queryset``'s order. A page
    past the end (only from an edited or stale link) costs a count and a second rows query, for the last page.

    ``count_ahead`` (a number of pages) counts no further than that many pages past the requested one, for a list
    whose filter may match more rows than anyone pages through (the audit log of a busy officer): the count
    (a query of its own) then costs what the page's depth costs, not every matching row, and a list longer than
    that says so (``page.more_pages``: the pagination reads "Page 2 of more than 12"). A ``total`` the caller
    already knows (from totals it shows anyway) is not counted again."""
    ids = queryset.values_list("pk", flat=True)
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    paginator = Paginator(ids, per_page)
    number = _page_number(request.GET.get("page"))
    bottom = (number - 1) * per_page
    if count_ahead is not None:
        return _paginate_ahead(request, queryset, rows, paginator, number, count_ahead, ordering)
    if total is None:
        counted = Subquery(queryset.order_by().annotate(_n=CountAll()).values("_n")[:1])
        objects = list(rows(ids[bottom:bottom + per_page]).annotate(_page_total=counted).order_by(*ordering))
    else:
        objects = list(rows(ids[bottom:bottom + per_page]).order_by(*ordering))
    if total is not None:
        paginator.count = total
    elif objects:
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


def _paginate_ahead(request, queryset, rows, paginator, number: int, count_ahead: int, ordering) -> tuple[Page, str]:
    per_page = paginator.per_page
    ids = queryset.values_list("pk", flat=True)
    limit = (number + count_ahead) * per_page
    counted = queryset.order_by().values("pk")[:limit + 1].count()  # COUNT(*) over at most limit + 1 rows
    paginator.count = counted
    page = paginator.get_page(number)  # past the end: the last page
    bottom = (page.number - 1) * per_page
    page.object_list = list(rows(ids[bottom:bottom + per_page]).order_by(*ordering))
    page.more_pages = counted > limit  # at least one page past what the count reached
    if page.more_pages:
        page.pages_counted = limit // per_page
    return page, _querystring(request)


def paginate_filtered(request, queryset, per_page: int = 20) -> tuple[Page, str]:
    """A page of a list whose filter costs more than its rows (an officer's organisations: "not every submitted
    application another office's" is a grouped pass over the applications), in one query that runs the filter
    once: the total is a window count over the filtered rows (``paginate_ids`` runs the filter twice, for the
    cut and for the total). A page past the end costs a count and the last page."""
    paginator = Paginator(queryset, per_page)
    number = _page_number(request.GET.get("page"))
    bottom = (number - 1) * per_page
    objects = list(queryset.annotate(_page_total=Window(Count("*")))[bottom:bottom + per_page])
    if objects:
        paginator.count = objects[0]._page_total
    elif number == 1:
        paginator.count = 0
    page = paginator.get_page(number)
    if not objects and page.number != number:  # past the end: the last page instead
        bottom = (page.number - 1) * per_page
        objects = list(queryset[bottom:bottom + per_page])
    page.object_list = objects
    return page, _querystring(request)
