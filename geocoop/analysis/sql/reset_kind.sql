TRUNCATE analysis_pts, analysis_perims, analysis_perim_communes;
