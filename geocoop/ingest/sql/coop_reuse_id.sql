-- A cooperation recreated by reverting its deletion takes back its old id, so that its
-- history, links and stored analysis keep following one number (the old id is free: the
-- row that held it was deleted).
UPDATE cooperation SET id = :old WHERE id = :new
