"""The on-demand territory index (a small import) answers as the full one.

A file of at most `ON_DEMAND_ROWS` rows reads the territories its rows name one by one
(`TerritoryIndex.on_demand`) instead of all of France (`TerritoryIndex.load`): every
lookup an import makes must give the same answer, on the bundled real boundaries (current
codes, old codes of merged communes, names shared by several communes, former names,
postcodes, perimeter tokens of every level, and keys that match nothing).
"""

from __future__ import annotations

import random

from geocoop.ingest.locate import (
    TerritoryIndex,
    locate_commune,
    resolve_perimeter,
)


def test_on_demand_index_answers_as_the_full_one(demo_engine):
    rng = random.Random(14)
    with demo_engine.connect() as conn:
        full = TerritoryIndex.load(conn)
        lazy = TerritoryIndex.on_demand(conn)
        communes = sorted(full.communes)
        codes = rng.sample(communes, 40) + rng.sample(sorted(full.code_changes), 20)
        codes += ["99999", "2A004", "1033", ""]
        names = [key for (level, key), found in full.names.items() if level == "commune"]
        ambiguous = [k for k in names if len(full.names[("commune", k)]) > 1]
        picked = rng.sample(names, 30) + ambiguous[:10] + rng.sample(sorted(full.aliases), 10)
        picked += ["nulle part", "Paris 12e Arrondissement", "Lyon 3e cedex"]
        cases = [(c, "", "") for c in codes] + [("", "", n) for n in picked]
        for key in ambiguous[:10]:  # a postcode choosing between namesakes
            for code in full.names[("commune", key)][:2]:
                for postcode in list(full.postcodes.get(code, ()))[:1] + [code[:2] + "000"]:
                    cases.append(("", postcode, key))
        assert len(cases) > 100
        for code, postcode, name in cases:
            assert locate_commune(lazy, code, postcode, name) == locate_commune(
                full, code, postcode, name
            ), (code, postcode, name)
        others = [lc for lc in sorted(full.codes) if lc[0] != "commune"]
        tokens = [c for _l, c in rng.sample(others, 30)] + rng.sample(communes, 10)
        tokens += [f"{lv}:{c}" for lv, c in rng.sample(others, 10)]
        tokens += ["epci:123456789", "dep:98", "reg:75", "region:Bretagne", "Bretagne"]
        tokens += [k for (lv, k) in rng.sample(sorted(full.names), 20)]
        for token in tokens:
            assert resolve_perimeter(lazy, [token]) == resolve_perimeter(full, [token]), token
