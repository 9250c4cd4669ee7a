-- At the commit of a deferring transaction (features/version.py): bump the data version
-- if it wrote since its last publish (migration 0021).
SELECT geocoop_publish_data_version(true)
