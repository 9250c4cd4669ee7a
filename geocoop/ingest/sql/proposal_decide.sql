-- Record a moderator's decision on a pending proposal.
UPDATE proposal
SET status = :status,
    decided_at = now(),
    decided_by = :member_id,
    reason = :reason,
    cooperation_id = :cooperation_id
WHERE id = :id AND status = 'pending'
