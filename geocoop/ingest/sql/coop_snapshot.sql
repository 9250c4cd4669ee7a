-- The editable state of one cooperation as JSON (edit log before/after, PATCH answers, the
-- base of an OGC API – Features update): geocoop_coop_snapshot, migration 0016.
SELECT geocoop_coop_snapshot(c) FROM cooperation AS c WHERE c.id = :id
