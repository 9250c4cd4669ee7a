"""Contribution: the public proposal form and the moderators' and editors' API.

Contribution: the public form « Proposer une coopération » (/proposer) and the
token-gated API of moderators and editors (/api/contrib/…). Thin views over
geocoop.ingest.proposals, geocoop.ingest.edits and geocoop.orchestration.

Spam protection without third parties: a honeypot field (a robot filling it is thanked
and nothing is stored), a minimum fill time (a signed timestamp in the form), a per-client
rate limit (keyed hash of the address, counted in the database, so every worker agrees),
a 64 KB body limit, CSRF on the form. Reads of the history are public; every write needs
a member's (or an admin's) token and is checked against its role and scope.
"""

from __future__ import annotations

import hashlib
import time

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer

from geocoop.audit import history
from geocoop.errors import BadRequest, GeocoopError, NotFound
from geocoop.ingest import org_export, proposals
from geocoop.ingest.contrib_fields import FieldErrors
from geocoop.ingest.edits import snapshot
from geocoop.ingest.feature_writes import check_version
from geocoop.maps.kinds import map_kinds
from geocoop.orchestration import (
    edit_cooperation_then_refresh,
    preview_feature_write,
    revert_change_then_refresh,
    validate_proposal_then_refresh,
)
from geocoop.web import i18n
from geocoop.web.auth import current_principal, require_role, signed_in_member
from geocoop.web.csrf import csrf_ok, csrf_token
from geocoop.web.database import connection
from geocoop.web.http import settings
from geocoop.web.openapi import add_paths
from geocoop.web.openapi_writes import contrib_paths

bp = Blueprint("contrib", __name__)
api = Blueprint("contrib_api", __name__, url_prefix="/api/contrib")
MAX_FORM_BYTES = 64 * 1024
HONEYPOT = "nickname"  # hidden from people; robots fill every field


def register(app: Flask) -> None:
    """Wire the form and the API into `app`."""
    i18n.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    add_paths(app, "contrib", contrib_paths)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="proposal-form")


def _client_hash() -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(key + (request.remote_addr or "").encode()).hexdigest()


def _form_page(status: int = 200, errors: dict | None = None, message: str | None = None):
    html = render_template(
        "contrib/propose.html",
        csrf=csrf_token(),
        started=_signer().dumps("proposer"),
        kinds=map_kinds(connection()),
        form=request.form if request.method == "POST" else {},
        errors=errors or {},
        message=message,
        honeypot=HONEYPOT,
    )
    return html, status


def _too_fast() -> bool:
    try:
        _value, signed_at = _signer().loads(
            request.form.get("started", ""), max_age=86400, return_timestamp=True
        )
    except BadSignature:
        return True
    return time.time() - signed_at.timestamp() < settings().proposal_min_seconds


@bp.get("/proposer")
def propose_form():
    """The public form « Proposer une coopération »."""
    return _form_page()


@bp.post("/proposer")
def propose():
    """Store a proposal as pending, then thank the visitor (303)."""
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return _form_page(413, message=i18n.translate("propose.too_large"))
    if not csrf_ok():
        return _form_page(403, message=i18n.translate("admin.bad_csrf"))
    if request.form.get(HONEYPOT):
        return redirect(url_for("contrib.thanks"), 303)  # a robot: nothing stored
    if _too_fast():
        return _form_page(400, message=i18n.translate("propose.too_fast"))
    conn = connection()
    try:
        data = proposals.clean_proposal(conn, request.form)
        proposals.submit_proposal(
            conn, data, client_hash=_client_hash(), per_hour=settings().proposals_per_hour
        )
    except FieldErrors as exc:
        conn.rollback()
        return _form_page(400, errors=exc.errors, message=i18n.translate("propose.fix"))
    except GeocoopError as exc:
        conn.rollback()
        return _form_page(exc.status, message=exc.message)
    conn.commit()
    return redirect(url_for("contrib.thanks"), 303)


@bp.get("/cooperations/<int(max=2147483647):cooperation_id>/historique")
def history_page(cooperation_id: int):
    """A cooperation's history (public): every change, who, when, how, before/after."""
    conn = connection()
    items = history(conn, "cooperation", cooperation_id)
    current = snapshot(conn, cooperation_id)
    if current is None and not items:
        raise NotFound(f"Aucune coopération n° {cooperation_id}.")
    last = current or next((i["before"] for i in reversed(items) if i["before"]), {})
    member = signed_in_member()
    return render_template(
        "contrib/history.html",
        csrf=csrf_token(),
        member=member,
        cooperation_id=cooperation_id,
        name=(last or {}).get("name") or f"n° {cooperation_id}",
        deleted=current is None,
        items=items,
    )


@bp.get("/proposer/merci")
def thanks():
    """Thank-you page: the proposal waits for a moderator."""
    return render_template("contrib/thanks.html")


# -- API -----------------------------------------------------------------------------------
def _json_body() -> dict:
    if (request.content_length or 0) > MAX_FORM_BYTES:
        raise BadRequest("Corps trop volumineux (64 Ko au plus).", status=413)
    body = request.get_json(silent=True)
    if body is None and request.form:
        body = request.form.to_dict()
    return body if isinstance(body, dict) else {}


@api.get("/me")
@require_role("contributor")
def me():
    """Who this token speaks for: role, organisation, scope."""
    return jsonify(current_principal().as_dict())


@api.get("/proposals")
@require_role("moderator")
def pending():
    """The pending proposals of the moderator's scope (contact included: to answer)."""
    items = proposals.pending_proposals(connection(), current_principal())
    return jsonify({"count": len(items), "items": items})


@api.get("/proposals/<int(max=2147483647):proposal_id>")
@require_role("moderator")
def proposal(proposal_id: int):
    """One pending proposal of the moderator's scope."""
    return jsonify(proposals.proposal_in_scope(connection(), current_principal(), proposal_id))


@api.post("/proposals/<int(max=2147483647):proposal_id>/validate")
@require_role("moderator")
def validate(proposal_id: int):
    """Create the cooperation through the import path, refresh its analysis, log it."""
    conn = connection()
    result = validate_proposal_then_refresh(conn, current_principal(), proposal_id)
    conn.commit()
    return jsonify(result)


@api.post("/proposals/<int(max=2147483647):proposal_id>/reject")
@require_role("moderator")
def reject(proposal_id: int):
    """Reject with a reason (`reason`, JSON or form field)."""
    conn = connection()
    reason = _json_body().get("reason")
    result = proposals.reject_proposal(conn, current_principal(), proposal_id, reason)
    conn.commit()
    return jsonify(result)


@api.patch("/cooperations/<int(max=2147483647):cooperation_id>")
@require_role("editor")
def edit(cooperation_id: int):
    """Edit name, fields, point of a cooperation of the editor's scope; {before, after}.

    With If-Match (the item's ETag, /api/features/…), a stale version is a 412.
    """
    conn = connection()
    if "If-Match" in request.headers:
        tags = sorted(request.if_match.as_set()) or ["-"]
        check_version(conn, cooperation_id, tags, request.if_match.star_tag)
    result = edit_cooperation_then_refresh(conn, current_principal(), cooperation_id, _json_body())
    conn.commit()
    return jsonify(result)


@api.get("/cooperations/<int(max=2147483647):cooperation_id>/history")
def cooperation_history(cooperation_id: int):
    """Every logged change of one cooperation, oldest first (public)."""
    items = history(connection(), "cooperation", cooperation_id)
    return jsonify({"count": len(items), "items": items})


@api.post("/changes/<int(max=2147483647):change_id>/revert")
@require_role("editor")
def revert(change_id: int):
    """Undo one change of a cooperation of the editor's scope (itself logged)."""
    conn = connection()
    result = revert_change_then_refresh(conn, current_principal(), change_id)
    conn.commit()
    return jsonify(result)


PREVIEW_OPERATIONS = ("create", "replace", "update", "delete")


@api.post("/preview")
@require_role("editor")
def preview():
    """What a write would change in coverage, nothing kept: body {"operation".

    Create | replace | update | delete, "id": n (but for create), "feature": Feature or merge
    patch (but for delete)}; {id, before, after, coverage: {kind: {gained, lost}}}.
    """
    body = _json_body()
    operation = body.get("operation")
    if operation not in PREVIEW_OPERATIONS:
        raise BadRequest(f"operation : une valeur parmi {', '.join(PREVIEW_OPERATIONS)}.")
    args: list = []
    if operation != "create":
        cooperation_id = body.get("id")
        if not isinstance(cooperation_id, int) or not 0 < cooperation_id < 2**31:
            raise BadRequest("id : l'identifiant entier de la coopération.")
        args.append(cooperation_id)
    if operation != "delete":
        args.append(body.get("feature"))
    if operation != "create":
        args += [None, True]  # no If-Match for a preview: nothing is written
    result = preview_feature_write(connection(), operation, current_principal(), *args)
    return jsonify(result)



def download(export: org_export.Download) -> Response:
    """An export as an attachment."""
    disposition = f'attachment; filename="{export.filename}"'
    return Response(
        export.body, mimetype=export.mimetype, headers={"Content-Disposition": disposition}
    )


@api.get("/organisations/<slug>/export")
@require_role("contributor")
def export_organisation(slug: str):
    """All of an organisation's data for its members: GeoJSON, or one CSV table (`table`)."""
    args = request.args
    return download(
        org_export.export_download(
            connection(), current_principal(), slug, args.get("f"), args.get("table")
        )
    )
