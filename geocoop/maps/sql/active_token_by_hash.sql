-- Name of the active (not revoked) write token with this SHA-256 digest.
SELECT name FROM api_token WHERE token_hash = :digest AND revoked_at IS NULL
