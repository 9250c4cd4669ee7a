#!/bin/sh
# Runs once, when the official image initialises the primary's data directory
# (/docker-entrypoint-initdb.d): the replication role, the standby's slot, and the
# pg_hba line that lets the standby stream over the compose network.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$REPLICATION_PASSWORD';
SELECT pg_create_physical_replication_slot('geocoop_standby');
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
