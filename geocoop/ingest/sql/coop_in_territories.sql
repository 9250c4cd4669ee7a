-- Whether a cooperation lies in one of :territories ("level:code"): its commune, or any
-- territory of its perimeter, matched directly or through its EPCI, département, région.
SELECT EXISTS (
    SELECT 1
    FROM cooperation AS c
    JOIN territory AS x
      ON (x.level = 'commune' AND x.code = c.commune_code)
      OR x.level || ':' || x.code = ANY(c.perimeter_codes)
    WHERE c.id = :id
      AND (
            x.level || ':' || x.code = ANY(CAST(:territories AS text[]))
            OR 'epci:' || x.epci_code = ANY(CAST(:territories AS text[]))
            OR 'departement:' || x.departement_code = ANY(CAST(:territories AS text[]))
            OR 'region:' || x.region_code = ANY(CAST(:territories AS text[]))
          )
)
