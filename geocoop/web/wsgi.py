"""WSGI entry point for production servers: `gunicorn 'geocoop.web.wsgi:app'`.

Unlike the bare factory it checks, once at start-up, that the database answers and is
migrated, so a worker never serves an outdated schema.
"""

from geocoop.config import load_settings
from geocoop.db import check_migrated, make_engine, resolve_url
from geocoop.web import create_app

settings = load_settings()
_engine = make_engine(resolve_url(settings, start=settings.uses_embedded_db), settings)
check_migrated(_engine)
_engine.dispose()
app = create_app(settings=settings)
