"""The language switcher: Django's ``set_language``, and the choice kept for a signed-in person."""

from django.views.i18n import set_language as django_set_language

from members import services


def set_language(request):
    """Switch the portal's language (cookie, as Django does) and remember it for e-mails.

    For a signed-in person the choice is stored on the user (``user_set_language``), so mails
    sent later from a worker are written in it; a signed-out visitor only gets the cookie.
    """
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
