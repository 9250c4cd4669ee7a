-- A by-kind refresh: the stored figures of the kinds being recomputed go (a kind left
-- without data keeps none).
DELETE FROM analysis_commune_kind WHERE kind_code = ANY (CAST(:kinds AS text[]))
