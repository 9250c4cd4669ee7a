-- A fresh white-zone label number (labels drawn by incremental refreshes never collide).
SELECT nextval('analysis_zone_seq')
