-- Every cooperation kind with how the map draws it, and how many cooperations it has.
SELECT k.code, k.label_fr, k.label_en, k.colour, k.icon, k.service_distance_m,
       k.default_category, k.is_support,
       (SELECT count(*) FROM cooperation AS c
        WHERE c.kind_code = k.code
          AND c.quality -> 'probable_duplicate_of' IS NULL) AS cooperations
FROM kind AS k
ORDER BY k.is_support, k.code = 'autre', k.label_fr
