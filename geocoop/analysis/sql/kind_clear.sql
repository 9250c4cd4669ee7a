-- Kind :k has no data any more: its stored figures and zones go.
DELETE FROM analysis_commune_kind WHERE kind_code = :k
