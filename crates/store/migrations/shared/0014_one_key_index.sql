-- One index per directory table for its key, where there were two (#16).
-- `dir_*_current` (t, s, key) WHERE valid_to IS NULL, unique, and
-- `dir_*_versions` (t, s, key, valid_from) held every current version's key
-- twice (two indexes of 7.5 MB each for the 20k-user directory's 100k
-- memberships).
-- `dir_*_key` (t, s, key, COALESCE(valid_to, 0)), unique, serves both:
--   - every read by key (keyset pages, one object at a snapshot, the joins
--     of memberships to their group and user, history in key order): its
--     prefix (t, s, key), as `dir_*_versions` did;
--   - versioning's "the current version of this key" (versions.rs end_sql
--     and begin_sql, which ask `COALESCE(valid_to, 0) = 0`: sync IDs start
--     at 1), as `dir_*_current` did;
--   - one current version per object, still impossible to break: two current
--     versions of a key would share the value 0. Ended versions of one key
--     end at different syncs (only the current one is ever ended), so they
--     never collide.
-- `t, s` is `tenant_id, source_id`; the other indexes are unchanged (see
-- 0008_indexes_justified.sql).
DROP INDEX dir_users_current;
DROP INDEX dir_users_versions;
CREATE UNIQUE INDEX dir_users_key ON dir_users (tenant_id, source_id, user_id, (COALESCE(valid_to, 0)));
DROP INDEX dir_groups_current;
DROP INDEX dir_groups_versions;
CREATE UNIQUE INDEX dir_groups_key ON dir_groups (tenant_id, source_id, group_id, (COALESCE(valid_to, 0)));
DROP INDEX dir_memberships_current;
DROP INDEX dir_memberships_versions;
CREATE UNIQUE INDEX dir_memberships_key ON dir_memberships (tenant_id, source_id, membership_id, (COALESCE(valid_to, 0)));
