-- Stored outlines of :kinds whose zone no longer exists with exactly the same members.
DELETE FROM analysis_zone AS z
WHERE z.kind_code = ANY (CAST(:kinds AS text[]))
  AND NOT EXISTS (
      SELECT 1 FROM zone_outline_live AS l
      WHERE l.kind_code = z.kind_code AND l.zone_id = z.zone_id
        AND l.members_hash = z.members_hash)
