FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint needs Pango; fonts-wqy-microhei and fonts-noto-cjk make PDFs show Chinese; postgresql-client (15, as
# the compose database) gives `manage.py backup` and `restore` their pg_dump and pg_restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig \
        fonts-wqy-microhei fonts-noto-cjk gettext nodejs npm postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN python manage.py compilemessages --ignore=node_modules \
    && IPGRANTS_PROFILE=production SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=build python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "ipgrants.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
