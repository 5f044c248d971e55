from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from members.models import ValueChainSegment
from portal import health


def home(request):
    """The public front page: what the network is, and the way in."""
    return render(request, "portal/home.html", {"segments": ValueChainSegment.objects.all()})


@never_cache
def healthz(request):
    """200 when the database (and Redis, if configured) answer; 503 naming what failed."""
    checks = health.run_checks()
    failed = health.failures(checks)
    return JsonResponse(
        {"status": "fail" if failed else "ok", "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )
