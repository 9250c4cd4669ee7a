-- An organisation's change history for its export: every logged change of a cooperation
-- made by one of its members, or touching one of its cooperations (before or after in the
-- source named by its slug; a deleted cooperation keeps its history), oldest first.
SELECT l.id, l.at, l.actor, l.action, l.entity_id AS cooperation_id, l.via, l.reverts,
       l.before, l.after
FROM edit_log AS l
LEFT JOIN member AS m ON m.id = l.member_id
LEFT JOIN organisation AS o ON o.id = m.organisation_id
WHERE l.entity = 'cooperation'
  AND (o.slug = :slug OR l.before ->> 'source' = :slug OR l.after ->> 'source' = :slug)
ORDER BY l.id
