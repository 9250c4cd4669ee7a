-- The départements holding communes, staged or stored (their projection zones are
-- simplified together).
SELECT departement_code FROM stg_attr WHERE level = 'commune'
UNION
SELECT DISTINCT departement_code FROM territory WHERE level = 'commune'
