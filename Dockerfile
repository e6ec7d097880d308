# syntax=docker/dockerfile:1
#
# virtool-api: one image for both APIs. `docker run IMAGE` serves the public API (:9950) and the job API (:9990)
# on the embedded stores under /data; `serve --only public|jobs` and the VIRTOOL_* variables configure the rest
# (see docs/operating.md and docker-compose.yml).

# ---- build: a virtual environment holding the project and its runtime dependencies only ----
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv

WORKDIR /src
# Dependencies first, so code changes reuse this layer: install what pyproject.toml lists, not the project.
COPY pyproject.toml README.md constraints.txt ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > requirements.txt \
    && /opt/venv/bin/pip install -r requirements.txt -c constraints.txt

# The project as a wheel: hatchling force-includes migrations/ as virtool_api/migrations.
COPY virtool_api ./virtool_api
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --no-deps . \
    && /opt/venv/bin/python -c 'from virtool_api.storage.migrate import migrations_path; print(migrations_path())' \
    && /opt/venv/bin/python -c 'from virtool_api.web.assets import STATIC; assert (STATIC / "index.html").is_file()'

# ---- runtime: the virtual environment, a non-root user and the data volume ----
FROM python:3.11-slim

LABEL org.opencontainers.image.title="virtool-api" \
      org.opencontainers.image.description="Samples, analyses and workflow jobs for plant virus detection"

# The runner's tools from Debian: Bowtie2 and SPAdes (its other tools are Python libraries in the venv).
RUN apt-get update \
    && apt-get install -y --no-install-recommends bowtie2 spades \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 virtool \
    && useradd --system --uid 10001 --gid virtool --home-dir /home/virtool --create-home virtool \
    && mkdir /data \
    && chown virtool:virtool /data

COPY --from=build /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTOOL_DATA_PATH=/data \
    VIRTOOL_HOST=0.0.0.0

USER virtool
WORKDIR /home/virtool
VOLUME /data
# 9950: public API, 9990: job API.
EXPOSE 9950 9990

# Liveness of whichever API this container serves (it tries VIRTOOL_PORT, then VIRTOOL_JOBS_PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "virtool_api.server.health"]

ENTRYPOINT ["virtool-api"]
# `serve` migrates the SQL schema at startup, under a PostgreSQL advisory lock: replicas started together with
# this command migrate once. docker-compose.yml runs `migrate` once instead and serves with --no-migrate.
CMD ["serve"]
