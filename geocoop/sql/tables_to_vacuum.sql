-- Tables of this schema larger than 1 MB whose visibility map covers less than half of
-- their pages: a migration rewrote them (ALTER TABLE … ADD COLUMN … STORED, a type change)
-- and left the map empty, which autovacuum does not count as changes. geocoop.db.upgrade
-- vacuums them.
SELECT n.nspname AS schema_name, c.relname AS table_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname = current_schema()
  AND c.relpages > 128
  AND c.relallvisible < c.relpages / 2
ORDER BY c.relname;
