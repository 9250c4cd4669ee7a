-- Per kind, the cooperations that figures can count (a point or a perimeter): how many,
-- how many have each filterable field known, and how many pass the filters (a NULL
-- parameter means no filter on that field). The category is the cooperation's own, else
-- its kind's default, as in load_kind.sql.
SELECT c.kind_code,
       count(*) AS total,
       count(*) FILTER (WHERE COALESCE(c.category, k.default_category) IS NOT NULL)
         AS category_known,
       count(*) FILTER (WHERE c.socio_economic_model IS NOT NULL) AS socio_economic_model_known,
       count(*) FILTER (WHERE c.stage IS NOT NULL) AS stage_known,
       count(*) FILTER (
         WHERE (CAST(:category AS text[]) IS NULL
                OR COALESCE(c.category, k.default_category) = ANY (CAST(:category AS text[])))
           AND (CAST(:socio_economic_model AS text[]) IS NULL
                OR c.socio_economic_model = ANY (CAST(:socio_economic_model AS text[])))
           AND (CAST(:stage AS text[]) IS NULL OR c.stage = ANY (CAST(:stage AS text[])))
       ) AS matching
FROM cooperation c
JOIN kind k ON k.code = c.kind_code
WHERE c.kind_code = ANY (CAST(:kinds AS text[]))
  AND c.quality -> 'probable_duplicate_of' IS NULL  -- a probable duplicate counts once
  AND (c.location IS NOT NULL OR c.perimeter IS NOT NULL OR cardinality(c.perimeter_codes) > 0)
GROUP BY c.kind_code;
