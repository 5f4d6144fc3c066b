# Letters to embassies: one image for the web process, the Celery worker and Celery beat.
#   docker build -t letters .
# The run stage starts the web process (compose/start-web); compose.yaml runs compose/start-worker and
# compose/start-beat from the same image. Runbook: docs/deploy.md.

# Debian bookworm, named explicitly: the plain python:3.11-slim tag moves to newer Debian releases.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------------------------------------
# Build: the virtualenv, the compiled translations (.mo files are build output, not in git) and the
# hashed, compressed static files with WhiteNoise's manifest.
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

# gettext (msgfmt) for compilemessages. Every package in requirements.txt installs from a binary wheel on
# x86-64 Linux, so no compiler is needed; on another architecture, if pip starts building one from source,
# add build-essential here.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /srv/letters
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Management commands need settings. The production settings are used on purpose: collectstatic must run
# with their storage (whitenoise.storage.CompressedManifestStaticFilesStorage), or the manifest of hashed
# names that production's {% static %} reads would be missing. Neither command runs the production checks
# nor touches the database, Redis or the ESP; the throwaway secret key exists only for these two commands
# and is not stored in the image.
RUN export DJANGO_SETTINGS_MODULE=config.settings.prod DJANGO_SECRET_KEY=build-only-not-a-secret \
 && python manage.py compilemessages --ignore=.venv -v0 \
 && python manage.py collectstatic --noinput -v0 \
 && python -m compileall -q config common embassies campaign printing tracking devmailbox \
 && chmod -R a+rX /srv/letters \
 && chmod 0755 compose/start-web compose/start-worker compose/start-beat compose/healthcheck \
        compose/wait-for-database

# ---------------------------------------------------------------------------------------------------------
# Run: slim, non-root. WeasyPrint needs Pango, HarfBuzz's subsetter and a fallback font at run time
# (scripts/system-packages.sh lists the same packages); the letters' own fonts are in static/fonts.
FROM ${PYTHON_IMAGE} AS run

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid, so that bind mounts and NFS exports of MEDIA_ROOT can be given to it: 10001:10001.
# /var/lib/letters/media (MEDIA_ROOT) and /var/lib/letters/beat (beat's schedule) are created here owned by
# that user; a new named volume mounted there takes this ownership.
RUN groupadd --gid 10001 letters \
 && useradd --uid 10001 --gid letters --home-dir /home/letters --create-home --shell /usr/sbin/nologin letters \
 && install -d -o letters -g letters -m 0750 /var/lib/letters /var/lib/letters/media /var/lib/letters/beat

COPY --from=build /opt/venv /opt/venv
# The code stays owned by root: the processes can read it, not change it.
COPY --from=build /srv/letters /srv/letters

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    DJANGO_MEDIA_ROOT=/var/lib/letters/media \
    GUNICORN_BIND=0.0.0.0:8000

WORKDIR /srv/letters
USER letters:letters
EXPOSE 8000

# No HEALTHCHECK here: compose.yaml gives the web service one (compose/healthcheck); the worker and beat,
# which run the same image, serve no HTTP.
CMD ["compose/start-web"]
