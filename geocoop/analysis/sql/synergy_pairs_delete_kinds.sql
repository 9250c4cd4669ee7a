-- Before a refresh of :kinds, the stored pairs they can change go: those with a
-- cooperation of those kinds, and those whose cooperation no longer exists.
DELETE FROM analysis_synergy_pair p
WHERE NOT EXISTS (SELECT 1 FROM cooperation a WHERE a.id = p.a_id
                  AND a.kind_code <> ALL (CAST(:kinds AS text[])))
   OR NOT EXISTS (SELECT 1 FROM cooperation b WHERE b.id = p.b_id
                  AND b.kind_code <> ALL (CAST(:kinds AS text[])))
