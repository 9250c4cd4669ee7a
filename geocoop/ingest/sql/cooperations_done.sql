-- Was the list of source :s with checksum :c already imported (a finished run)?
SELECT EXISTS (
  SELECT 1 FROM ingest_run
  WHERE target = 'cooperations' AND status = 'done' AND source = :s AND checksum = :c
)
