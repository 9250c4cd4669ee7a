"""What a headline figure is about: which kinds it counts and how to label it.

Context layers (France services, support structures) are drawn when chosen but never in
the cooperation headline; several kinds make « au moins une des coopérations cochées ».
"""

from __future__ import annotations


def headline_kinds(kinds: list[dict], chosen: list[str]) -> tuple[list[str], list[str]]:
    """The kinds the headline counts, and the context layers it leaves out.

    (kinds the headline counts, context layers left out of it). Context layers
    (France services, support structures) are drawn when chosen but counted only when
    nothing else is chosen; no choice means every cooperation kind.
    """
    context = {k["code"] for k in kinds if k["context"]}
    if not chosen:
        return [k["code"] for k in kinds if not k["context"]], []
    cooperations = [c for c in chosen if c not in context]
    if cooperations:
        return cooperations, [c for c in chosen if c in context]
    return list(chosen), []


def scope_label(selection: dict, kinds: list[str], context: set[str]) -> str:
    """What the headline is about: one kind, a union, a context layer or none.

    What the headline is about: "one" kind, the "union" of the chosen ones (« au moins
    une des coopérations cochées »), a "context" layer, or "none" (no figure).
    """
    if not selection["has_figures"]:
        return "none"
    if any(k in context for k in kinds):
        return "context"
    return "one" if len(selection["counted"]) == 1 else "union"
