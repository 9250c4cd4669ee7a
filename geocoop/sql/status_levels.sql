-- How many territories are loaded at each level.
SELECT level, count(*) FROM territory GROUP BY level
