from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int = 20) -> tuple[Page, str]:
    """The requested page, and the query string (filters) to keep in the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def paginate_ids(request, queryset, rows, per_page: int = 20) -> tuple[Page, str]:
    """Cut the page on primary keys alone (an index scan, however deep the page), then load only those rows
    with ``rows(ids)``, which may join and annotate freely. The cut runs as a subquery of the rows query (one
    round trip, the planner still cuts first), and the rows come back in ``queryset``'s order."""
    page, querystring = paginate(request, queryset.values_list("pk", flat=True), per_page)
    if not page.paginator.count:
        page.object_list = []
        return page, querystring
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    page.object_list = list(rows(page.object_list).order_by(*ordering))
    return page, querystring
