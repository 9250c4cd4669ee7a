-- Points more than the tolerance from the commune their row declares: the point is kept
-- (coverage is computed from it), the cooperation counts in the commune that contains the
-- point, and the declared commune and the distance are recorded as a quality flag so that
-- the API, the panel and the report say the same thing.
UPDATE coop_stage s
SET quality = COALESCE(s.quality, '{}'::jsonb) || jsonb_build_object(
        'far_from_declared_commune', jsonb_build_object(
            'declared_commune', s.commune_code,
            'distance_m', m.distance_m,
            'kept', 'coordinates',
            'counted_in', inside.code
        )
    ),
    commune_code = inside.code
FROM unnest(CAST(:lines AS integer[]), CAST(:distances AS double precision[]))
     AS m(line, distance_m)
CROSS JOIN LATERAL (
    SELECT (
        SELECT t.code FROM territory t
        WHERE t.level = 'commune' AND ST_Intersects(t.geom, s2.location)
        ORDER BY t.code
        LIMIT 1
    ) AS code
    FROM coop_stage s2
    WHERE s2.line = m.line
) inside
WHERE s.line = m.line
