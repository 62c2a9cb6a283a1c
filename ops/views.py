from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health


@never_cache
@require_GET
def healthz(request):
    """For a load balancer: 200 when the database, Redis, the storage and a Celery worker answer, 503 otherwise.
    No sign-in, no session, no private data: only one word per check."""
    healthy, checks = health()
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
