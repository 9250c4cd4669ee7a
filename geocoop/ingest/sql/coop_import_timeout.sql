-- An import is bounded by the upload size, not by the read-query timeout: allow its
-- statements longer, until the end of the transaction only.
SELECT set_config('statement_timeout', :timeout, true)
