-- What the per-profile facts of :kinds are computed from, as one digest: the kinds'
-- default category and service distance, their cooperations' places, perimeters and
-- profiles, and the communes (count and last change). Per-profile facts computed ahead on
-- another connection (refresh.precompute_profile_facts) are stored only when this digest
-- is the same in the transaction that stores them.
SELECT md5(concat_ws('#',
  (SELECT string_agg(concat_ws('|', k.code, k.default_category, k.service_distance_m), ','
                     ORDER BY k.code)
   FROM kind k WHERE k.code = ANY (CAST(:kinds AS text[]))),
  (SELECT string_agg(concat_ws('|', c.id, c.kind_code, encode(ST_AsEWKB(c.location), 'hex'),
                               md5(ST_AsEWKB(c.perimeter)), array_to_string(c.perimeter_codes, ';'),
                               c.category, c.socio_economic_model, c.stage), ','
                     ORDER BY c.id)
   FROM cooperation c WHERE c.kind_code = ANY (CAST(:kinds AS text[]))),
  (SELECT concat_ws('|', count(*), max(t.updated_at)) FROM territory t)
)) AS inputs;
