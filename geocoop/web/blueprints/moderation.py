"""The moderation page (/moderation): a member signs in with its token, sees the pending
proposals of its scope, validates them or rejects them with a reason; an editor reverts a
change. Thin views over geocoop.ingest.proposals and geocoop.orchestration.

Like the admin page: the session keeps the token's SHA-256 only (signed cookie) and every
request re-reads the member's role and scope from the database (a revoked token or a
disabled member is signed out at once); every form carries the session's CSRF token, and
failed sign-ins are throttled per client.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for

from geocoop.auth import principal_for_digest, token_digest
from geocoop.errors import GeocoopError, TooBusy
from geocoop.ingest import proposals
from geocoop.orchestration import revert_change_then_refresh, validate_proposal_then_refresh
from geocoop.web import i18n
from geocoop.web.auth import MEMBER_SESSION_KEY, signed_in_member
from geocoop.web.csrf import csrf_ok, csrf_token
from geocoop.web.database import connection
from geocoop.web.throttle import check_client, token_accepted, token_failed

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
MAX_ID = 2147483647


def register(app: Flask) -> None:
    """Wire the moderation page into `app`."""
    i18n.init_app(app)
    app.register_blueprint(bp)


def _page(status: int = 200, **context):
    principal = signed_in_member()
    queue = []
    if principal is not None and principal.has_role("moderator"):
        queue = proposals.pending_proposals(connection(), principal)
    html = render_template(
        "moderation/index.html",
        principal=principal,
        queue=queue,
        csrf=csrf_token(),
        done=request.args.get("done"),
        **context,
    )
    return html, status


def _refused():
    return _page(403, error=i18n.translate("admin.bad_csrf"))


@bp.get("/")
def index():
    """The sign-in form, or the queue of the member's scope."""
    return _page()


@bp.post("/login")
def login():
    """Check a member's token (editor or above) and keep its digest in the session."""
    if not csrf_ok():
        return _refused()
    try:
        check_client()
    except TooBusy as exc:
        html, status = _page(429, error=exc.message)
        return html, status, {"Retry-After": str(exc.retry_after)}
    token = (request.form.get("token") or "").strip()
    digest = token_digest(token) if token and len(token) <= 200 else None
    principal = principal_for_digest(connection(), digest)
    if principal is None:
        token_failed()
        return _page(401, error=i18n.translate("admin.bad_token"))
    token_accepted()
    if not principal.has_role("editor"):
        return _page(403, error=i18n.translate("moderation.role"))
    session[MEMBER_SESSION_KEY] = digest
    session["csrf"] = secrets.token_urlsafe(32)  # a fresh token once signed in
    return redirect(url_for("moderation.index"), 303)


@bp.post("/logout")
def logout():
    """Forget the token."""
    if not csrf_ok():
        return _refused()
    session.pop(MEMBER_SESSION_KEY, None)
    return redirect(url_for("moderation.index"), 303)


def _act(action, done: str):
    """Run `action(conn, principal)` for a signed-in member behind a valid CSRF token;
    commit and go back to the page (saying `done`), or show the refusal."""
    if not csrf_ok():
        return _refused()
    principal = signed_in_member()
    if principal is None:
        return _page(401, error=i18n.translate("moderation.signed_out"))
    conn = connection()
    try:
        action(conn, principal)
    except GeocoopError as exc:
        conn.rollback()
        return _page(exc.status, error=exc.message)
    conn.commit()
    return redirect(url_for("moderation.index", done=done), 303)


@bp.post(f"/proposals/<int(max={MAX_ID}):proposal_id>/validate")
def validate(proposal_id: int):
    """Validate a proposal of the moderator's scope: the cooperation is created."""
    return _act(
        lambda conn, who: validate_proposal_then_refresh(conn, who, proposal_id),
        f"validated:{proposal_id}",
    )


@bp.post(f"/proposals/<int(max={MAX_ID}):proposal_id>/reject")
def reject(proposal_id: int):
    """Reject a proposal of the moderator's scope with its reason."""
    reason = request.form.get("reason")
    return _act(
        lambda conn, who: proposals.reject_proposal(conn, who, proposal_id, reason),
        f"rejected:{proposal_id}",
    )


@bp.post(f"/changes/<int(max={MAX_ID}):change_id>/revert")
def revert(change_id: int):
    """Revert one change of a cooperation of the editor's scope."""
    return _act(
        lambda conn, who: revert_change_then_refresh(conn, who, change_id),
        f"reverted:{change_id}",
    )
