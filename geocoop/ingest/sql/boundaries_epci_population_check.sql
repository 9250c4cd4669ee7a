-- Sum of commune populations per EPCI against the reference list's EPCI totals.
SELECT e.code, e.name, r.total AS reference, e.population AS communes_sum,
       e.population - r.total AS difference
FROM territory AS e
JOIN unnest(CAST(:codes AS text[]), CAST(:totals AS integer[])) AS r(code, total)
  ON r.code = e.code
WHERE e.level = 'epci' AND e.population IS DISTINCT FROM r.total
ORDER BY abs(e.population - r.total) DESC NULLS FIRST, e.code
