-- An import's transaction may not sit idle holding a connection and its locks (a stalled
-- client or parse): PostgreSQL ends the session after :idle. Until the end of the
-- transaction only.
SELECT set_config('idle_in_transaction_session_timeout', :idle, true)
