# syntax=docker/dockerfile:1
# One image for the five QMS services. QMS_SERVICE (intake | classification | sanctions | crm | notify) picks the
# service a container runs; `python -m shared.cli migrate` (the one-shot migrate job) runs from the same image.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/qms
WORKDIR /src
# Dependencies first, pinned by the lock file, so a code change does not reinstall them.
COPY pyproject.toml requirements.lock ./
RUN /opt/qms/bin/pip install -c requirements.lock .
COPY shared ./shared
COPY services ./services
RUN /opt/qms/bin/pip install --no-deps --force-reinstall -c requirements.lock . \
 && cd / && /opt/qms/bin/python -c "import services.intake.main, services.classification.main, services.sanctions.main, services.crm.main, services.console.main"

FROM python:3.11-slim
# FORWARDED_ALLOW_IPS: uvicorn trusts X-Forwarded-* from the reverse proxy in front of it.
ENV PATH=/opt/qms/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FORWARDED_ALLOW_IPS=*
RUN groupadd --system --gid 10001 qms \
 && useradd --system --uid 10001 --gid qms --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin qms
COPY --from=build /opt/qms /opt/qms
# An empty working directory: the code is imported from the installed package only.
WORKDIR /srv/qms
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# One process per container (scale with replicas): each runs its own outbox relay and consumer-group member.
CMD ["sh", "-c", "exec uvicorn \"services.${QMS_SERVICE:?set QMS_SERVICE to intake, classification, sanctions, crm, notify or console}.main:app\" --host 0.0.0.0 --port 8000 --no-access-log --loop uvloop --http httptools --timeout-graceful-shutdown 20"]
