-- Rename the stored zone label :old to :new (kind :kind).
UPDATE analysis_commune_kind
SET zone_id = :new
WHERE kind_code = :kind AND zone_id = :old;
