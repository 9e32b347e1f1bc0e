# localddb in a slim image: non-root, data on a volume, `localddb serve` on port 8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /opt/localddb
COPY pyproject.toml README.md ./
COPY app ./app
COPY storage ./storage
RUN pip install --no-compile . \
    && useradd --system --uid 10001 --home-dir /data localddb \
    && mkdir -p /data && chown localddb /data

USER localddb
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/', timeout=2).status == 200 else 1)"
ENTRYPOINT ["localddb", "serve", "--host", "0.0.0.0", "--data-dir", "/data"]
