-- Proposals sent by one client (keyed hash of its address) during the last hour.
SELECT count(*)
FROM proposal
WHERE client_hash = :client_hash
  AND created_at > now() - interval '1 hour'
