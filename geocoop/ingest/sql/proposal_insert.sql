-- Store a checked proposal as pending; returns its id.
INSERT INTO proposal (kind_code, name, fields, lon, lat, commune_code, perimeter_codes,
                      contact, client_hash)
VALUES (:kind_code, :name, :fields, :lon, :lat, :commune_code,
        CAST(:perimeter_codes AS text[]), :contact, :client_hash)
RETURNING id
