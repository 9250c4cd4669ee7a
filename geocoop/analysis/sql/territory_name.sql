-- The name of territory :code at :level (no row when there is none).
SELECT name FROM territory WHERE level = :level AND code = :code
