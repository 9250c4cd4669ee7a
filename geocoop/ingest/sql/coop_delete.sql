-- Delete one cooperation (its partnerships go with it; a proposal keeps its record with
-- cooperation_id set to NULL). The stored analysis is refreshed by the caller.
DELETE FROM cooperation WHERE id = :id
