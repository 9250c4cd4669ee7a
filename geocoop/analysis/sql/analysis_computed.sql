-- Has a full refresh ever stored figures? (a by-kind or incremental refresh builds on one)
SELECT EXISTS (SELECT 1 FROM analysis_run WHERE scope = 'full')
