-- Kinds whose own figures were just stored and whose per-profile facts follow in the next
-- step (refresh.refresh_profile_facts): filtered figures say « en cours de recalcul ».
INSERT INTO analysis_profile_pending (kind_code)
SELECT code FROM kind WHERE code = ANY(CAST(:kinds AS text[]))
ON CONFLICT (kind_code) DO UPDATE SET since = now()
