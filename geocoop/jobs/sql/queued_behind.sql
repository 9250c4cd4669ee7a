-- Is another job waiting behind :id (queued, not a dry run)? Its writer will refresh the
-- figures then: this one may leave its kinds « being recomputed » until it does.
SELECT EXISTS (
    SELECT 1 FROM job
    WHERE status = 'queued' AND id > :id
      AND NOT COALESCE((options ->> 'dry_run')::boolean, false)
)
