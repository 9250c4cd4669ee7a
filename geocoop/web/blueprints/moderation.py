"""The moderation page (/moderation).

A member signs in with its token, sees the pending proposals of its scope, validates them or rejects
them with a reason; an editor reverts a change. Thin views over geocoop.ingest.proposals and
geocoop.orchestration.

Like the admin page: the session keeps the token's SHA-256 only (signed cookie) and every request
re-reads the member's role and scope from the database (a revoked token or a disabled member is
signed out at once); every form carries the session's CSRF token, and failed sign-ins are throttled
per client.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from geocoop.auth import principal_for_digest
from geocoop.errors import BadRequest, GeocoopError, Unauthorized
from geocoop.ingest import org_export, proposals
from geocoop.ingest.edits import check_scope
from geocoop.ingest.feature_writes import current_feature, state_tag
from geocoop.ingest.merge import flagged_duplicates
from geocoop.members import parse_territory
from geocoop.orchestration import (
    merge_then_refresh,
    preview_feature_write,
    revert_change_then_refresh,
    validate_proposal_then_refresh,
    write_feature_then_refresh,
)
from geocoop.web import i18n
from geocoop.web.auth import MEMBER_SESSION_KEY, signed_in_member
from geocoop.web.blueprints.contrib import download
from geocoop.web.csrf import csrf_header_ok, csrf_ok, csrf_token
from geocoop.web.database import connection
from geocoop.web.signin import checked_token, end_signed_session, start_session

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
MAX_ID = 2147483647


def register(app: Flask) -> None:
    """Wire the moderation page into `app`."""
    i18n.init_app(app)
    app.register_blueprint(bp)


def _page(status: int = 200, **context):
    principal = signed_in_member()
    queue, duplicates = [], []
    if principal is not None and principal.has_role("moderator"):
        queue = proposals.pending_proposals(connection(), principal)
    if principal is not None:
        duplicates = flagged_duplicates(connection(), principal)
    html = render_template(
        "moderation/index.html",
        principal=principal,
        queue=queue,
        duplicates=duplicates,
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
    principal, digest, refusal = checked_token(
        _page, lambda digest: principal_for_digest(connection(), digest)
    )
    if refusal is not None:
        return refusal
    if not principal.has_role("editor"):
        return _page(403, error=i18n.translate("moderation.role"))
    start_session(MEMBER_SESSION_KEY, digest)
    return redirect(url_for("moderation.index"), 303)


@bp.get("/export")
def export():
    """The signed-in member's organisation's data (GeoJSON, or CSV with `table`)."""
    principal = signed_in_member()
    if principal is None:
        raise Unauthorized(i18n.translate("moderation.signed_out"))
    slug = request.args.get("organisation") or principal.organisation or ""
    args = request.args
    return download(
        org_export.export_download(connection(), principal, slug, args.get("f"), args.get("table"))
    )


@bp.post("/logout")
def logout():
    """End the session server-side (a copy of the cookie no longer works) and forget it."""
    if not csrf_ok():
        return _refused()
    end_signed_session(MEMBER_SESSION_KEY)
    return redirect(url_for("moderation.index"), 303)


def _act(action, done: str):
    """Run `action(conn, principal)` for a signed-in member behind a valid CSRF token.

    Commit and go back to the page (saying `done`), or show the refusal.
    """
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


@bp.post("/merge")
def merge():
    """Merge two cooperations of the editor's scope (flagged duplicates first).

    `keep` takes what it lacks of `drop`, which is deleted.
    """
    try:
        keep, drop = int(request.form.get("keep", "")), int(request.form.get("drop", ""))
    except ValueError:
        keep = drop = 0
    if not (0 < keep <= MAX_ID and 0 < drop <= MAX_ID) and csrf_ok():
        return _page(400, error="keep / drop : deux identifiants de coopération.")
    return _act(lambda conn, who: merge_then_refresh(conn, who, keep, drop), f"merged:{keep}")


# -- editing on the map ------------------------------------------------------------------
EDITABLE = ("name", "stage", "category", "socio_economic_model", "website")


@bp.get(f"/cooperations/<int(max={MAX_ID}):cooperation_id>/editer")
def edit_page(cooperation_id: int):
    """The map editor of one cooperation of the signed-in editor's scope.

    Move the point (a click), pick a perimeter (communes or EPCI under clicks), edit fields,
    preview the coverage change, save (If-Match: the version shown), delete.
    """
    principal = signed_in_member()
    if principal is None:
        return redirect(url_for("moderation.index"), 303)
    conn = connection()
    before = check_scope(conn, principal, cooperation_id)
    return render_template(
        "moderation/edit.html",
        principal=principal,
        cooperation_id=cooperation_id,
        state=before,
        feature=current_feature(before),
        etag=state_tag(conn, cooperation_id),
        editable=EDITABLE,
        csrf=csrf_token(),
    )


def _patch(body: dict) -> dict:
    """The merge patch of the editor's JSON: {point, perimeter (codes), fields}."""
    properties: dict = {}
    fields = body.get("fields") or {}
    if not isinstance(fields, dict) or set(fields) - set(EDITABLE):
        raise BadRequest(f"fields : clés parmi {', '.join(EDITABLE)}.")
    properties.update({k: (v if v != "" else None) for k, v in fields.items()})
    if "perimeter" in body:
        codes = str(body["perimeter"] or "").replace(",", " ").split()
        if len(codes) > 300:
            raise BadRequest("périmètre : 300 territoires au plus.")
        properties["perimeter_codes"] = sorted({parse_territory(c) for c in codes}) or None
    patch: dict = {"properties": properties}
    if body.get("point") is not None:
        patch["geometry"] = {"type": "Point", "coordinates": body["point"]}
    return patch


def _editor_json(cooperation_id: int):
    if not csrf_header_ok():
        raise BadRequest(i18n.translate("admin.bad_csrf"), status=403)
    principal = signed_in_member()
    if principal is None:
        raise Unauthorized(i18n.translate("moderation.signed_out"))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or (request.content_length or 0) > 64 * 1024:
        raise BadRequest("Corps JSON attendu (64 Ko au plus).")
    return principal, body


@bp.post(f"/cooperations/<int(max={MAX_ID}):cooperation_id>/apercu")
def edit_preview(cooperation_id: int):
    """The coverage change the edit would make (nothing kept)."""
    principal, body = _editor_json(cooperation_id)
    result = preview_feature_write(
        connection(), "update", principal, cooperation_id, _patch(body), None, True
    )
    return jsonify({"coverage": result["coverage"], "after": result["after"]})


@bp.post(f"/cooperations/<int(max={MAX_ID}):cooperation_id>/enregistrer")
def edit_save(cooperation_id: int):
    """Save the edit if the cooperation is still the version the page showed (412 else)."""
    principal, body = _editor_json(cooperation_id)
    conn = connection()
    etag = str(body.get("etag") or "-")
    if body.get("delete"):
        write_feature_then_refresh(conn, "delete", principal, cooperation_id, [etag])
    else:
        write_feature_then_refresh(conn, "update", principal, cooperation_id, _patch(body), [etag])
    conn.commit()
    history = url_for("contrib.history_page", cooperation_id=cooperation_id)
    return jsonify({"history": history})
