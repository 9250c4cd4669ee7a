-- (fragment, a FROM item) The per-commune rows of a selection mixing stored kinds
-- (:stored_kinds, read as stored) and kinds recomputed into analysis_work.
(SELECT * FROM analysis_commune_kind
 WHERE kind_code = ANY (CAST(:stored_kinds AS text[]))
 UNION ALL SELECT * FROM analysis_work)
