# The kit in a small image, run as a user that is not root. Two targets:
#   api: `cqrs-auth serve` (GraphQL + GraphiQL on port 3000; migrations applied at start)
#   lab: the same plus the course extras and the notebooks, JupyterLab on port 8888
# docker-compose.yml builds both. The base is pinned to a patch release of Python 3.11 on
# Debian 12 (slim); to pin it harder, append the digest that
# `docker buildx imagetools inspect python:3.11.13-slim-bookworm` prints (@sha256:...).
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS wheels
WORKDIR /src
COPY pyproject.toml README.md ./
COPY cqrs_auth ./cqrs_auth
COPY sql ./sql
COPY schema ./schema
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels ".[course]"

FROM ${PYTHON_IMAGE} AS api
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/kit/bin:$PATH
RUN useradd --create-home --uid 10001 kit && python -m venv /opt/kit
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels cqrs-auth
USER kit
WORKDIR /home/kit
EXPOSE 3000
CMD ["cqrs-auth", "serve", "--host", "0.0.0.0", "--port", "3000"]

FROM api AS lab
USER root
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels "cqrs-auth[course]"
COPY --chown=kit:kit notebooks /home/kit/notebooks
USER kit
EXPOSE 8888
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--notebook-dir=/home/kit/notebooks"]
