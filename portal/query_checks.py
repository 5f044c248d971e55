"""Refuse a request whose URL parameters hold control characters, before any view reads them.

A NUL byte in a query parameter reaches PostgreSQL through any filter on a text column (list
filters, admin search and filters, ``?next=``), and PostgreSQL answers with an exception, so a
500. No form or link of the portal puts control characters in a URL; such a request is a
400 Bad Request with the portal's error page, for every view, anonymous or not.
"""

from django.core.exceptions import BadRequest

from portal.parsing import control_characters_in


class RefuseControlCharactersInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            # Line breaks and tabs can come from a textarea in a GET form; the rest cannot.
            if any(control_characters_in(text, multiline=True) for text in [key, *values]):
                raise BadRequest("control characters in the query string")
        return self.get_response(request)
