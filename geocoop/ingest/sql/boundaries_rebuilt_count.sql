-- How many staged communes were rebuilt from several parts.
SELECT count(*) FROM res_geom WHERE parts > 1
