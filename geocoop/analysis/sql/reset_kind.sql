TRUNCATE analysis_pts, analysis_perims;
