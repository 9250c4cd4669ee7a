-- How many territories of level :l were staged (loaded) by this import.
SELECT count(*) FROM res_geom WHERE level = :l
