-- The accepted rows of an import as staged and located, for its report (the rows are
-- streamed into coop_stage and not kept in memory): how many, by location precision
-- ('' = kept without a place), the fields set by rule (in order of first use) and the
-- perimeters with codes that matched no commune.
SELECT
    (SELECT count(*) FROM coop_stage) AS total,
    (SELECT coalesce(jsonb_object_agg(coalesce(location_precision, ''), n), '{}'::jsonb)
     FROM (SELECT location_precision, count(*) AS n FROM coop_stage GROUP BY 1) p
    ) AS by_precision,
    (SELECT coalesce(jsonb_agg(jsonb_build_array(field, n) ORDER BY first_line), '[]'::jsonb)
     FROM (
         SELECT f AS field, count(*) AS n, min(line) AS first_line
         FROM coop_stage, unnest(derived_fields) AS f
         GROUP BY f
     ) d
    ) AS derived,
    (SELECT count(*) FROM coop_stage WHERE quality ? 'perimeter_unmatched') AS partial
