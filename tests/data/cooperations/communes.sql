-- Tiny synthetic territories for the cooperation tests (squares in lon/lat, real-ish codes).
-- Name keys follow geocoop.text.normalize_name.
INSERT INTO territory (level, code, name, name_search, region_code, departement_code,
                       epci_code, postcodes, population, geom, label_point)
SELECT level, code, name, name_search, region_code, departement_code, epci_code, postcodes,
       population, g, ST_PointOnSurface(g)
FROM (VALUES
  ('commune', '35238', 'Rennes', 'rennes', '53', '35', '243500139', ARRAY['35000','35200','35700'], 220000, -1.75, 48.05, -1.60, 48.15),
  ('commune', '35047', 'Bruz', 'bruz', '53', '35', '243500139', ARRAY['35170'], 18000, -1.80, 47.95, -1.70, 48.05),
  ('commune', '35288', 'Saint-Martin', 'saint martin', '53', '35', NULL, ARRAY['35900'], 900, -1.50, 48.30, -1.45, 48.35),
  ('commune', '56240', 'Saint-Martin', 'saint martin', '53', '56', NULL, ARRAY['56200'], 400, -2.40, 47.80, -2.35, 47.85),
  ('commune', '56260', 'Vannes', 'vannes', '53', '56', NULL, ARRAY['56000'], 54000, -2.80, 47.62, -2.70, 47.70),
  ('commune', '22278', 'Saint-Brieuc', 'saint brieuc', '53', '22', NULL, ARRAY['22000'], 44000, -2.80, 48.48, -2.70, 48.55),
  ('commune', '29019', 'Brest', 'brest', '53', '29', NULL, ARRAY['29200'], 140000, -4.55, 48.36, -4.42, 48.45),
  ('commune', '75056', 'Paris', 'paris', '11', '75', NULL, ARRAY['75001','75010'], 2100000, 2.25, 48.81, 2.42, 48.90),
  ('commune', '97411', 'Saint-Denis', 'saint denis', '04', '974', NULL, ARRAY['97400'], 150000, 55.40, -20.95, 55.50, -20.88),
  ('epci', '243500139', 'Rennes Métropole', 'rennes metropole', '53', '35', NULL, NULL, 238000, -1.80, 47.95, -1.60, 48.15),
  ('departement', '35', 'Ille-et-Vilaine', 'ille et vilaine', '53', '35', NULL, NULL, 1100000, -2.0, 47.6, -1.0, 48.7),
  ('region', '53', 'Bretagne', 'bretagne', '53', NULL, NULL, NULL, 3400000, -5.2, 47.2, -1.0, 48.9)
) AS v(level, code, name, name_search, region_code, departement_code, epci_code, postcodes,
       population, x0, y0, x1, y1)
CROSS JOIN LATERAL (SELECT ST_Multi(ST_MakeEnvelope(x0, y0, x1, y1, 4326)) AS g) AS geom;

INSERT INTO commune_code_change (old_code, new_code, effective, source) VALUES
  ('75110', '75056', NULL, 'arrondissement municipal'),
  ('35999', '35238', '2019-01-01', 'test: ancienne commune fusionnée');
