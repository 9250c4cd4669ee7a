-- Row counts of the main tables, whose every write moves the data version: /healthz keeps
-- them per version (counting the communes reads ~36,000 rows at each call otherwise).
SELECT (SELECT count(*) FROM territory) AS territory,
       (SELECT count(*) FROM kind) AS kind,
       (SELECT count(*) FROM cooperation) AS cooperation,
       (SELECT count(*) FROM partnership) AS partnership
