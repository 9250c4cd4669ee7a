TRUNCATE analysis_pts, analysis_perims, analysis_perim_communes, analysis_cells, analysis_near;
