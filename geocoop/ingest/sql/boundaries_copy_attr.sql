-- Bulk load (COPY, text format) of the attributes of every territory read into staging.
COPY stg_attr (level, code, name, name_search, region_code, departement_code, epci_code,
               postcodes, population, population_year, vintage)
FROM STDIN
