"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py geocoop.web.wsgi:app`.

Workers come from GEOCOOP_WORKERS; each process keeps a pool of GEOCOOP_POOL_SIZE
connections, so PostgreSQL needs max_connections ≥ workers × 2 × pool size + admin.
"""

import os

bind = f"{os.environ.get('GEOCOOP_HOST', '127.0.0.1')}:{os.environ.get('GEOCOOP_PORT', '8000')}"
workers = int(os.environ.get("GEOCOOP_WORKERS", "2"))
threads = 4
worker_class = "gthread"
timeout = 30  # request timeout: longer than the statement timeout (15 s by default)
graceful_timeout = 10
accesslog = "-"
# No query strings or bodies in the access log: they may carry names or tokens.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def on_starting(server):
    """Gunicorn's own 400/414/431 answers in problem+json, as the application's."""
    from geocoop.web.gunicorn_errors import install

    install()
