-- When the served data last changed: every write stores the collections' summaries
-- (features/summary.py) in the writer's transaction, so their newest stamp is the time of
-- the last import or analysis refresh. NULL before the first one.
SELECT max(refreshed_at) AS modified
FROM collection_summary
