-- Fragment (the `labels` part of facts_rollup_store.sql and facts_rollup_nearer.sql): the territory
-- a GROUPING SETS row over the communes describes, from its grouping() flags ge/gd/gr: its
-- level and code, and the enclosing parent it is the part of ('' for the whole territory).
         CASE WHEN ge = 0 THEN 'epci' WHEN gd = 0 THEN 'departement'
              WHEN gr = 0 THEN 'region' ELSE 'france' END AS level,
         CASE WHEN ge = 0 THEN epci_code WHEN gd = 0 THEN departement_code
              WHEN gr = 0 THEN region_code ELSE 'FR' END AS code,
         CASE WHEN ge = 0 AND gd = 0 THEN 'departement'
              WHEN (ge = 0 OR gd = 0) AND gr = 0 THEN 'region' ELSE '' END AS parent_level,
         CASE WHEN ge = 0 AND gd = 0 THEN departement_code
              WHEN (ge = 0 OR gd = 0) AND gr = 0 THEN region_code ELSE '' END AS parent_code
