"""gunicorn settings for the portal (read from the working directory, /app in the image).

gunicorn 27 has no setting for its ``Server: gunicorn`` response header, so the response class
is told to leave it out: the banner only tells an attacker what to look up.
"""

import os

import gunicorn.http.wsgi

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"


def _without_server_header(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    return headers


gunicorn.http.wsgi.Response.default_headers = _without_server_header(
    gunicorn.http.wsgi.Response.default_headers
)
