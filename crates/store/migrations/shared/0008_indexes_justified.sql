-- Every index of the directory tables, the query each serves, and the one
-- changes: the `_to` indexes hold only ended versions, and a group's
-- members are indexed in user order. (The plans are
-- asserted by `sql::plans`'s tests on SQLite.) `t, s` is `tenant_id,
-- source_id`; `key` is user_id, group_id or membership_id.
--
-- dir_*_current (t, s, key) WHERE valid_to IS NULL, unique: a sync's
--   versioning, "does this object have a current version" (versions.rs
--   begin_sql), ending changed or unseen objects (end_sql, by key or key
--   range); and it guarantees one current version per object.
-- dir_*_versions (t, s, key, valid_from): every read of a snapshot by key:
--   the keyset pages of users, groups and memberships (directory.rs
--   docs_page, memberships_page; `roster users list`, the API, evidence),
--   the console's user search and group list in key order (browse.rs), one
--   user's or group's document at a snapshot (browse.rs doc), the joins of
--   memberships to their group and user names, and history's changed
--   documents in key order.
-- dir_*_from (t, s, valid_from): history's "after" side (versions begun
--   in (from, to]), the change counts per sync (history.rs change_counts),
--   and undoing a failed run's versions (versions.rs undo).
-- dir_*_to (t, s, valid_to) WHERE valid_to IS NOT NULL: history's "before"
--   side (versions ended in (from, to]), the change counts per sync, and
--   reopening the versions a failed run ended (undo). Every one of these
--   compares valid_to, so they never need current versions, which are
--   almost all rows: the index was as large as the table's key indexes and
--   is now as large as the history.
-- dir_memberships_group (t, s, group_id, user_id), was (t, s, group_id):
--   a group's members in user order (browse.rs group_members' keyset: it
--   searched dir_memberships_user by `user_id > after` instead, every
--   membership of the source per page), member counts (browse.rs member_count, history.rs
--   group_facts) and the user search's group filter.
-- dir_memberships_user (t, s, user_id): a user's groups (browse.rs
--   user_groups) and group counts per user (history.rs user_facts, for the
--   checks and the evidence's user roster).
--
-- Staging tables have only their primary key (sync_id, key): the staging
-- writes' ON CONFLICT, publish's "not seen" NOT EXISTS, its chunk bounds,
-- and clearing a run. The other tables' indexes are small and each serves
-- the lookups of its migration's comment.
DROP INDEX dir_users_to;
CREATE INDEX dir_users_to ON dir_users (tenant_id, source_id, valid_to) WHERE valid_to IS NOT NULL;
DROP INDEX dir_groups_to;
CREATE INDEX dir_groups_to ON dir_groups (tenant_id, source_id, valid_to) WHERE valid_to IS NOT NULL;
DROP INDEX dir_memberships_to;
CREATE INDEX dir_memberships_to ON dir_memberships (tenant_id, source_id, valid_to) WHERE valid_to IS NOT NULL;
DROP INDEX dir_memberships_group;
CREATE INDEX dir_memberships_group ON dir_memberships (tenant_id, source_id, group_id, user_id);
