-- The cooperations an import run wrote (inserted or changed: unchanged rows keep their
-- earlier run), with their kind now and the kind the stored figures last saw them in.
SELECT c.id, c.kind_code, s.kind_code AS stored_kind
FROM cooperation c
LEFT JOIN analysis_cooperation_state s ON s.cooperation_id = c.id
WHERE c.ingest_run_id = :run
ORDER BY c.id;
