-- Which of the "level:code" keys (:keys) name a known territory.
SELECT t.level || ':' || t.code
FROM territory AS t
WHERE t.level || ':' || t.code = ANY(CAST(:keys AS text[]))
