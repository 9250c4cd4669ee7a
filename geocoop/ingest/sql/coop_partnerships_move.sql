-- Before the cooperation :drop is merged into :keep, its declared partnerships are moved to
-- :keep (a link between the two is dropped; a link :keep already has is kept once). The
-- old rows go with :drop (ON DELETE CASCADE).
INSERT INTO partnership (cooperation_a_id, cooperation_b_id, description)
SELECT least(CAST(:keep AS integer), o.other), greatest(CAST(:keep AS integer), o.other),
       o.description
FROM (
    SELECT CASE WHEN p.cooperation_a_id = :drop THEN p.cooperation_b_id
                ELSE p.cooperation_a_id END AS other,
           p.description
    FROM partnership AS p
    WHERE :drop IN (p.cooperation_a_id, p.cooperation_b_id)
) AS o
WHERE o.other <> :keep
ON CONFLICT (cooperation_a_id, cooperation_b_id) DO NOTHING
