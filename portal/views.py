from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from portal import health


def home(request):
    if request.user.is_authenticated:
        return redirect("members:home")
    return render(request, "portal/home.html")


@never_cache
def healthz(request):
    failed = health.failures()
    return JsonResponse(
        {"status": "fail" if failed else "ok", "failed": failed}, status=503 if failed else 200
    )
