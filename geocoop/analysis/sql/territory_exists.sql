-- Is there a territory :code at :level?
SELECT EXISTS (SELECT 1 FROM territory WHERE level = :level AND code = :code)
