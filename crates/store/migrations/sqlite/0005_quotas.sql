-- AWS's request quotas (shared by every process syncing one instance), and runs whose versions wait for the publish.
-- A source's own rate per Identity Store API, for instances whose quota AWS
-- raised (NULL: the worker's default, AWS's 20 requests per second).
ALTER TABLE sources ADD COLUMN api_tps INTEGER;

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

-- A run's batches are versioned as they are written, unless its writer fell
-- behind the readers: then it only stages, and publishing versions the rest.
ALTER TABLE sync_runs ADD COLUMN versions_deferred INTEGER NOT NULL DEFAULT 0;
