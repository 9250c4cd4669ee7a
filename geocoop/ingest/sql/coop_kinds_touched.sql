-- Kinds whose figures an import may change: those of its staged rows, and those the
-- source's stored rows had before the merge (a row may change kind).
SELECT kind_code FROM coop_stage
UNION
SELECT kind_code FROM cooperation WHERE source = :source
ORDER BY 1
