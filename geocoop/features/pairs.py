"""Collections of cooperation pairs (declared partnerships, synergy candidates) as lines A → B."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, Table, func, select

from geocoop.models import Cooperation, Kind

_C = Cooperation.__table__
_K = Kind.__table__


def _joined(link: Table, a_id: ColumnElement, b_id: ColumnElement) -> tuple:
    a, b = _C.alias("a"), _C.alias("b")
    ka, kb = _K.alias("ka"), _K.alias("kb")
    joined = (
        link.join(a, a.c.id == a_id)
        .join(b, b.c.id == b_id)
        .join(ka, ka.c.code == a.c.kind_code)
        .join(kb, kb.c.code == b.c.kind_code)
    )
    return joined, a, b, ka, kb


def pair_boxes(link: Table, a_id: ColumnElement, b_id: ColumnElement) -> Select:
    """One `box` per row of `pair_lines`: the Box2D of its line, from the two points.

    The box of two points is the line's own, without building the line (47,597 synergy
    candidates on all of France); NULL when either has no location, as the line is. The
    same rows: the joins with the kinds are left out, as each cooperation has exactly one
    (`kind_code` NOT NULL, a foreign key to the kind's primary key), and they were half
    of the time.
    """
    a, b = _C.alias("a"), _C.alias("b")
    joined = link.join(a, a.c.id == a_id).join(b, b.c.id == b_id)
    return select(func.ST_MakeBox2D(a.c.location, b.c.location).label("box")).select_from(joined)


def pair_lines(
    link: Table,
    a_id: ColumnElement,
    b_id: ColumnElement,
    feature_id: ColumnElement,
    *extra: ColumnElement,
) -> Select:
    """One row per row of `link`: a line from cooperation `a_id` to `b_id`, and what they are.

    Columns: id (`feature_id`), geom (NULL when either has no location), a_id, a_name,
    a_kind, a_kind_label, the same for b, then `extra`.
    """
    joined, a, b, ka, kb = _joined(link, a_id, b_id)
    return select(
        feature_id.label("id"),
        func.ST_MakeLine(a.c.location, b.c.location).label("geom"),
        a.c.id.label("a_id"),
        a.c.name.label("a_name"),
        a.c.kind_code.label("a_kind"),
        ka.c.label_fr.label("a_kind_label"),
        b.c.id.label("b_id"),
        b.c.name.label("b_name"),
        b.c.kind_code.label("b_kind"),
        kb.c.label_fr.label("b_kind_label"),
        *extra,
    ).select_from(joined)
