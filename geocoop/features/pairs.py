"""Collections of cooperation pairs (declared partnerships, synergy candidates) as lines A → B."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, Table, func, select

from geocoop.models import Cooperation, Kind

_C = Cooperation.__table__
_K = Kind.__table__


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
    a, b = _C.alias("a"), _C.alias("b")
    ka, kb = _K.alias("ka"), _K.alias("kb")
    joined = (
        link.join(a, a.c.id == a_id)
        .join(b, b.c.id == b_id)
        .join(ka, ka.c.code == a.c.kind_code)
        .join(kb, kb.c.code == b.c.kind_code)
    )
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
