-- Cached perimeter unions (perimeter_epci_union, migration 0022) of EPCIs that no commune
-- belongs to any more: never read again (a perimeter's pieces are grouped by the communes'
-- current EPCI), so they go with the boundaries that dropped them.
DELETE FROM perimeter_epci_union AS u
WHERE NOT EXISTS (SELECT 1 FROM territory AS c
                  WHERE c.level = 'commune' AND c.epci_code = u.epci_code)
