-- « Où accompagner, quoi financer ? »: per territory of :level ('epci' | 'departement')
-- inside the optional parent, the cooperations located there (support structures and
-- probable duplicates left out; kinds :kinds) counted by the study's fields. A stage or a
-- model not given is counted apart, never as a zero. "Without support" = the commune is
-- reached by no support structure (stored coverage of kind appui, rule any).
SELECT CASE WHEN CAST(:level AS text) = 'epci' THEN tc.epci_code ELSE tc.departement_code END
         AS code,
       count(*) AS cooperations,
       count(*) FILTER (WHERE c.stage = 'emergence') AS emergence,
       count(*) FILTER (WHERE c.stage = 'operationnelle') AS operational,
       count(*) FILTER (WHERE c.stage IS NULL) AS stage_unknown,
       count(*) FILTER (WHERE c.stage = 'emergence'
                          AND NOT COALESCE(s.covered_distance OR s.covered_perimeter, false))
         AS emergence_without_support,
       count(*) FILTER (WHERE c.stage = 'operationnelle'
                          AND c.socio_economic_model = 'non_marchande') AS financing_full,
       count(*) FILTER (WHERE c.stage = 'operationnelle'
                          AND c.socio_economic_model = 'hybride') AS financing_hybrid,
       count(*) FILTER (WHERE c.stage = 'operationnelle'
                          AND c.socio_economic_model = 'marchande') AS financing_ess,
       count(*) FILTER (WHERE c.stage = 'operationnelle' AND c.socio_economic_model IS NULL)
         AS operational_model_unknown,
       count(*) FILTER (WHERE cardinality(c.financing_sources) > 0) AS financing_declared,
       count(c.staff_fte) AS with_staff,
       sum(c.staff_fte) AS staff_fte
FROM cooperation AS c
JOIN kind AS k ON k.code = c.kind_code
JOIN territory AS tc ON tc.level = 'commune' AND tc.code = c.commune_code
LEFT JOIN analysis_commune_kind AS s ON s.kind_code = 'appui' AND s.commune_code = tc.code
WHERE NOT k.is_support
  AND c.quality -> 'probable_duplicate_of' IS NULL
  AND c.kind_code = ANY (CAST(:kinds AS text[]))
  AND (CAST(:parent_level AS text) IS NULL
    OR (CAST(:parent_level AS text) = 'departement'
        AND tc.departement_code = CAST(:parent_code AS text))
    OR (CAST(:parent_level AS text) = 'region' AND tc.region_code = CAST(:parent_code AS text)))
GROUP BY 1;
