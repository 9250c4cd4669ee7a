-- Kind codes and French labels, to recognise a kind column's values.
SELECT code, label_fr, label_en FROM kind ORDER BY code
