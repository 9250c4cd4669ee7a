-- Every kind with what the analysis needs: label, service distance, support or not.
SELECT code, label_fr, service_distance_m, is_support FROM kind ORDER BY code
