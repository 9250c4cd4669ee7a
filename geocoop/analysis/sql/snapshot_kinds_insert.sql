-- After snapshot_kinds_delete: the current state of the cooperations of :kinds.
INSERT INTO analysis_cooperation_state
SELECT id, kind_code, location, perimeter, perimeter_codes FROM cooperation
WHERE kind_code = ANY (CAST(:kinds AS text[]))
