-- One commune's figures for one kind (the source placeholder: stored or scratch table), with names.
SELECT t.code, t.name, t.population, s.*,
       cn.name AS nearest_name, cp.name AS perimeter_name,
       (SELECT min(z.commune_code) FROM {source} z
        WHERE z.kind_code = s.kind_code AND z.zone_id = s.zone_id) AS white_zone
FROM territory t
LEFT JOIN {source} s ON s.commune_code = t.code AND s.kind_code = :kind
LEFT JOIN cooperation cn ON cn.id = s.nearest_cooperation_id
LEFT JOIN cooperation cp ON cp.id = s.perimeter_cooperation_id
WHERE t.level = 'commune' AND t.code = :code;
