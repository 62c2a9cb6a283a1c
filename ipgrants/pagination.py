from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int = 20) -> tuple[Page, str]:
    """The requested page, and the query string (filters) to keep in the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def paginate_ids(request, queryset, rows, per_page: int = 20) -> tuple[Page, str]:
    """Cut the page on primary keys alone (an index scan, however deep the page), then load only those rows
    with ``rows(ids)``, which may join and annotate freely. The page keeps ``queryset``'s order."""
    page, querystring = paginate(request, queryset.values_list("pk", flat=True), per_page)
    ids = list(page.object_list)
    loaded = {obj.pk: obj for obj in rows(ids)} if ids else {}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page, querystring
