-- Queue one upload; the file already waits at :path.
INSERT INTO job (operation, actor, file_name, path, options)
VALUES (:operation, :actor, :file_name, :path, CAST(:options AS jsonb))
RETURNING id
