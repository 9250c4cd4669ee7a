-- One refresh's record: scope, the cooperation it followed (if any), duration and report.
INSERT INTO analysis_run (scope, cooperation_id, seconds, report)
VALUES (:s, :c, :t, CAST(:r AS jsonb))
