# syntax=docker/dockerfile:1
# One image for every process of zhicheng: the five Nameko services, the gateway
# (with the built web frontend), the migrations, the demo loader and the probe.
#   docker build -t REGISTRY/zhicheng:TAG .
#   docker run --rm REGISTRY/zhicheng:TAG review        # or gateway, migrate review, …
# deploy/README.md ("Container image") says how to build, push and run it.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# -- the web frontend: gateway/web → gateway/web/dist ---------------------------------
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src/gateway/web
# The lockfile first, so a change to the sources alone reuses the npm ci layer.
COPY gateway/web/package.json gateway/web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY gateway/web/index.html gateway/web/vite.config.js ./
COPY gateway/web/src ./src
RUN node node_modules/vite/bin/vite.js build --logLevel warn

# -- what every process needs at run time: WeasyPrint's libraries and the CJK fonts --
FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8
# Debian's security updates replace these packages' exact versions within a release,
# so a pinned version would stop building: the base image's tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        tini \
    && rm -rf /var/lib/apt/lists/*

# -- the pinned Python dependencies in a virtualenv of their own ----------------------
FROM base AS dependencies
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

# -- the image: code, frontend, venv; a non-root user ----------------------------------
FROM base AS runtime
# A fixed numeric uid, so Kubernetes' runAsNonRoot can check it without a passwd lookup.
RUN groupadd --system --gid 10001 zhicheng \
    && useradd --system --uid 10001 --gid zhicheng --home-dir /app --shell /usr/sbin/nologin zhicheng
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root deploy ./deploy
COPY --chown=root:root zc_common ./zc_common
COPY --chown=root:root services ./services
COPY --chown=root:root gateway ./gateway
COPY --chown=root:root reference ./reference
COPY --from=frontend --chown=root:root /src/gateway/web/dist ./gateway/web/dist
# The code is root's and read-only to the processes; everything they write goes to
# /tmp (an emptyDir in Kubernetes, so the root filesystem can be read-only):
# ZC_DATA_DIR, spooled uploads, fontconfig's cache.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    ZC_DATA_DIR=/tmp/zhicheng \
    ZC_HOST=0.0.0.0 \
    ZC_PORT=8080
USER 10001:10001
EXPOSE 8080
# tini as PID 1 passes SIGTERM on to the process (nameko then finishes its running
# workers; aiohttp its requests) and reaps any child a library leaves behind.
ENTRYPOINT ["tini", "--", "python", "-m", "deploy.entrypoint"]
CMD ["gateway"]
