"""Token-protected admin page: upload a cooperation file and follow its job.

Token-protected admin page: upload a cooperation file (queued as a job), follow the job,
read the reject report; the latest jobs and imports are listed.

The visitor enters a write token once; the signed cookie then carries a random session key
whose SHA-256, with the token's, is kept server-side (`geocoop.admin_sessions`): logout ends
that row, so a copy of the cookie stops working, and every request re-checks the token is
still active. Every form carries a per-session CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from geocoop.admin_sessions import session_token
from geocoop.auth import active_token_name
from geocoop.errors import GeocoopError
from geocoop.maps.admin import recent_runs, run_by_id
from geocoop.maps.kinds import map_kinds
from geocoop.web import i18n
from geocoop.web.database import connection
from geocoop.web.jobs import job_document, recent_jobs
from geocoop.web.signin import checked_token, end_signed_session, start_session
from geocoop.web.uploads import submit_upload

bp = Blueprint("admin", __name__, url_prefix="/admin")
SESSION_KEY = "admin_session"  # the cookie's random key of the server-side session


def register(app: Flask) -> None:
    """Wire the admin page into `app`."""
    i18n.init_app(app)
    app.register_blueprint(bp)


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    # compare_digest refuses non-ASCII str (TypeError → 500): compare the UTF-8 bytes.
    sent = request.form.get("csrf", "").encode("utf-8", "surrogatepass")
    expected = str(session.get("csrf", "")).encode("utf-8", "surrogatepass")
    return bool(sent) and hmac.compare_digest(sent, expected)


def _refused():
    """403 for a form without this session's CSRF token (as a page, or JSON to the script)."""
    message = i18n.translate("admin.bad_csrf")
    if _wants_json():
        return jsonify({"detail": message}), 403
    return _page(403, error=message)


def _admin_name() -> str | None:
    conn = connection()
    return active_token_name(conn, session_token(conn, session.get(SESSION_KEY)))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(status: int = 200, **context):
    name = _admin_name()
    runs = recent_runs(connection()) if name else []
    html = render_template(
        "admin/index.html",
        admin_name=name,
        csrf=csrf_token(),
        runs=runs,
        jobs=recent_jobs() if name else [],
        kinds=map_kinds(connection()) if name else [],
        **context,
    )
    return html, status


@bp.get("/")
def index():
    """The login form, or the upload form and the latest imports."""
    return _page()


@bp.post("/login")
def login():
    """Check a write token and remember its digest in the session."""
    if not _csrf_ok():
        return _refused()
    _name, digest, refusal = checked_token(
        _page, lambda digest: active_token_name(connection(), digest)
    )
    if refusal is not None:
        return refusal
    start_session(SESSION_KEY, digest)
    return redirect(url_for("admin.index"))


@bp.post("/logout")
def logout():
    """End the session server-side (a copy of the cookie no longer works) and forget it."""
    if not _csrf_ok():
        return _refused()
    end_signed_session(SESSION_KEY)
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(url_for("admin.index"))


def _submit(upload, form) -> dict:
    return submit_upload(
        "cooperations",
        upload,
        actor=_admin_name(),
        kind=form.get("kind") or None,
        source=form.get("source") or None,
        dry_run=form.get("dry_run") == "on",
    )


@bp.post("/upload")
def upload():
    """Queue the uploaded cooperation file.

    202 with the job (its page, or JSON for the script, which then polls the job's URL).
    """
    if not _csrf_ok():
        return _refused()
    if _admin_name() is None:
        if _wants_json():
            return jsonify({"detail": i18n.translate("admin.bad_token")}), 401
        return _page(401, error=i18n.translate("admin.bad_token"))
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        message = i18n.translate("admin.no_file")
        if _wants_json():
            return jsonify({"detail": message}), 400
        return _page(400, error=message)
    try:
        job = _submit(upload_file, request.form)
    except GeocoopError as exc:
        if _wants_json():
            return jsonify({"detail": exc.message}), exc.status
        return _page(exc.status, error=exc.message)
    url = url_for("admin.job", job_id=job["id"])
    if _wants_json():
        response = jsonify({**job, "url": url})
        response.status_code = 202
    else:
        html, _status = _page(202, job=job)
        response = current_app.make_response((html, 202))
    response.headers["Location"] = url
    return response


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    """One upload job: its progress, then its report or its error.

    One upload job: its progress while it waits or runs, then its report or its error
    (JSON for the page script, which polls it).
    """
    if _admin_name() is None:
        if _wants_json():
            return jsonify({"detail": i18n.translate("admin.bad_token")}), 401
        return redirect(url_for("admin.index"))
    found = job_document(job_id)
    if _wants_json():
        return jsonify({**found, "url": url_for("admin.job", job_id=job_id)})
    error = (found["error"] or {}).get("detail")
    return _page(job=found, report=found["report"], error=error)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge):
    """An upload over the size limit: the page (or the script's JSON), not a bare error."""
    message = i18n.translate("admin.too_large")
    if _wants_json():
        return jsonify({"detail": message}), 413
    return _page(413, error=message)


@bp.get("/runs/<int:run_id>")
def run(run_id: int):
    """One import's report with every reject."""
    if _admin_name() is None:
        return redirect(url_for("admin.index"))
    found = run_by_id(connection(), run_id)
    report = dict(found.get("report") or {})
    report.update(rejects=found.get("rejects") or [], accepted=found["accepted"])
    report.setdefault("file", found["file_name"])
    return _page(report=report, run=found)
