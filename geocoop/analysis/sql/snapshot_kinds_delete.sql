-- A by-kind refresh replaces the analysed state (location, perimeter) of the cooperations
-- of :kinds, which the incremental refresh compares new states with; the rows of
-- cooperations that left those kinds, or were deleted, go too.
DELETE FROM analysis_cooperation_state s
WHERE s.kind_code = ANY (CAST(:kinds AS text[]))
   OR s.cooperation_id IN (
        SELECT id FROM cooperation WHERE kind_code = ANY (CAST(:kinds AS text[])))
