-- The job's own session becomes background work: no parallel workers (they would run at
-- the server's priority, beside the reads, on every core), and which backend process it
-- is, and whether it is reached through a Unix socket or a loopback address (the server
-- is then on this machine and its process can be given a lower CPU priority).
SELECT pg_backend_pid() AS pid,
       inet_server_addr() IS NULL OR host(inet_server_addr()) IN ('127.0.0.1', '::1') AS local,
       set_config('max_parallel_workers_per_gather', '0', false) AS parallel
