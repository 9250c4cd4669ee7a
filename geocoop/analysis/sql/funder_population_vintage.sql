-- The population years and boundary vintage of the territories of :level (the funder
-- ranking's « source, vintage » of its population figures).
SELECT min(population_year) AS first_year, max(population_year) AS last_year,
       min(vintage) AS vintage
FROM territory
WHERE level = :level;
