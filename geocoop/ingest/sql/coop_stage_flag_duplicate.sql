-- Marks staged rows as probable duplicates of an earlier row of the same source.
UPDATE coop_stage s
SET quality = COALESCE(s.quality, '{}'::jsonb) || jsonb_build_object(
        'probable_duplicate_of', jsonb_build_object(
            'source_id', d.other_source_id, 'line', d.other_line, 'distance_m', d.distance_m
        )
    )
FROM jsonb_to_recordset(CAST(:pairs AS jsonb))
     AS d(line integer, other_line integer, other_source_id text, distance_m double precision)
WHERE s.line = d.line
