-- AWS's request quotas (§5, §9).
-- A source's own rate per Identity Store API, for instances whose quota AWS
-- raised (NULL: the worker's default, AWS's 20 requests per second).
ALTER TABLE sources ADD COLUMN api_tps BIGINT;

-- Shares of an instance's quota: every process syncing an Identity Center
-- instance holds a row while it does, renews it (counting renewals, so a
-- newcomer can tell when the others have seen it) and reads at the quota
-- divided by the holders. Instance-wide on purpose (the quota is AWS's,
-- whoever asks); it holds no directory data.
CREATE TABLE quota_shares (
    instance_key  TEXT NOT NULL,
    holder        TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    renewals      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (instance_key, holder)
);

-- Publishing ends the current versions a sync did not see, which began
-- before it: found here without visiting the versions the sync just began.
CREATE INDEX dir_users_current_since ON dir_users (tenant_id, source_id, valid_from) WHERE valid_to IS NULL;
CREATE INDEX dir_groups_current_since ON dir_groups (tenant_id, source_id, valid_from) WHERE valid_to IS NULL;
CREATE INDEX dir_memberships_current_since ON dir_memberships (tenant_id, source_id, valid_from) WHERE valid_to IS NULL;
