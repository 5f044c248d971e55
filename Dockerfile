# The production image of the Battery Norway member portal. One image runs every role:
# web (gunicorn, the default command), the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=battery_norway.settings
# The source tree is the project root (settings' BASE_DIR): templates/, static/ and locale/ sit
# beside the apps, so Python imports the code from there, whatever the working directory.
ENV PYTHONPATH=/app

# WeasyPrint renders PDFs with Pango and needs at least one font; gettext compiles translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, pinned by the same lock file as `make install`, so that a code change
# does not reinstall them.
COPY pyproject.toml requirements.lock ./
RUN python -m pip install --quiet --upgrade "pip==26.3" \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && python -m pip install --quiet -c requirements.lock -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself, installed as `make install` does (without the dev extras).
COPY . .
RUN python -m pip install --quiet -c requirements.lock -e .

# compilemessages refuses to run without a locale/ folder, which git leaves out while it is empty.
RUN mkdir -p locale && python manage.py compilemessages

# Static files are collected at build time with the production storage (hashed, compressed).
# The key exists only for this step; production refuses to start without a real one.
RUN PORTAL_ENV=production \
    SECRET_KEY=build-only-dummy-key-not-used-at-runtime-0123456789abcdefghij \
    python manage.py collectstatic --noinput

# The portal runs as an unprivileged user; it writes only under var/ (static files on start,
# uploaded media).
RUN adduser --system --group --uid 10001 --home /app --no-create-home portal \
    && mkdir -p var/media \
    && chown -R portal:portal var
USER portal

EXPOSE 8000

# Migrations and collectstatic run on every start, then gunicorn serves the portal with the
# settings in gunicorn.conf.py (port 8000, WEB_CONCURRENCY workers, no Server banner).
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py collectstatic --noinput && exec gunicorn --config gunicorn.conf.py battery_norway.wsgi"]
