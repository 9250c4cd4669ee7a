-- Is there any territory (at :level, or at any level when NULL)?
SELECT EXISTS (
  SELECT 1 FROM territory WHERE CAST(:level AS text) IS NULL OR level = CAST(:level AS text)
)
