FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/backpain.db

WORKDIR /app

# Dependencies first so code edits do not invalidate the install layer.
COPY pyproject.toml README.md ./
COPY app/__init__.py app/__init__.py
COPY seed/__init__.py seed/__init__.py
RUN pip install .

COPY . .
RUN pip install --no-deps . \
    && mkdir -p /data && chown 10001:10001 /data

USER 10001:10001
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD ["/app/scripts/start.sh"]
