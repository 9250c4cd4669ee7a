-- Replace the stored rows of the kinds × communes just computed by the scratch results.
DELETE FROM analysis_commune_kind s
USING analysis_work w
WHERE s.kind_code = w.kind_code AND s.commune_code = w.commune_code;
INSERT INTO analysis_commune_kind SELECT * FROM analysis_work;
