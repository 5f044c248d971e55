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
    """503 "down" when the database fails; 200 "degraded" or "ok" otherwise (portal/health.py)."""
    report = health.run_checks()
    return JsonResponse(report, status=503 if report["status"] == health.DOWN else 200)
