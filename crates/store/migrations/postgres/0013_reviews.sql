-- Access reviews (PostgreSQL): campaigns, their frozen items, append-only
-- decisions (triggers reject UPDATE, DELETE and TRUNCATE), owners. Per
-- backend only for the triggers; the tables are the same text as SQLite's.
CREATE TABLE review_campaigns (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants(id),
    name                 TEXT NOT NULL,
    source_id            TEXT NOT NULL,
    sync_id              BIGINT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('memberships', 'access')),
    filter               TEXT NOT NULL,
    privileged_patterns  TEXT NOT NULL,
    reviewer             TEXT,
    fallback_reviewer    TEXT,
    due_at               TEXT,
    remediation_days     BIGINT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('opening', 'open', 'closed')),
    items                BIGINT NOT NULL DEFAULT 0,
    decisions_seq        BIGINT NOT NULL DEFAULT 0,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    closed_by            TEXT,
    closed_at            TEXT
);
CREATE INDEX review_campaigns_tenant ON review_campaigns (tenant_id, created_at);
CREATE INDEX review_campaigns_source ON review_campaigns (tenant_id, source_id);

-- The frozen population: one row per membership or access row of the
-- campaign's snapshot. `decision` … `decided_at` mirror the newest record of
-- review_decisions (the history lives there, append-only).
CREATE TABLE review_items (
    campaign_id          TEXT NOT NULL,
    item_id              BIGINT NOT NULL,
    tenant_id            TEXT NOT NULL,
    user_id              TEXT,
    user_name            TEXT,
    user_email           TEXT,
    membership_id        TEXT,
    group_id             TEXT,
    display_name         TEXT,
    account_id           TEXT,
    account_name         TEXT,
    permission_set_arn   TEXT,
    permission_set_name  TEXT,
    via_group_id         TEXT,
    via_group_name       TEXT,
    reviewer             TEXT,
    decision             TEXT,
    comment              TEXT,
    decided_by           TEXT,
    decided_at           TEXT,
    remediated_sync      BIGINT,
    PRIMARY KEY (campaign_id, item_id)
);
-- A reviewer's queue.
CREATE INDEX review_items_reviewer ON review_items (campaign_id, reviewer, item_id);
-- Verification reads only revoked items still waiting.
CREATE INDEX review_items_revoked ON review_items (tenant_id, campaign_id, item_id) WHERE decision = 'revoke' AND remediated_sync IS NULL;

CREATE TABLE review_decisions (
    campaign_id    TEXT NOT NULL,
    id             BIGINT NOT NULL,
    tenant_id      TEXT NOT NULL,
    item_id        BIGINT NOT NULL,
    verdict        TEXT NOT NULL CHECK (verdict IN ('keep', 'revoke', 'reassign', 'undecided')),
    comment        TEXT,
    reassigned_to  TEXT,
    actor          TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (campaign_id, id)
);
CREATE INDEX review_decisions_item ON review_decisions (campaign_id, item_id);

-- Groups a campaign's filter resolved to (chosen or privileged), for INSERT … SELECT.
CREATE TABLE review_scope_groups (
    campaign_id  TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    PRIMARY KEY (campaign_id, group_id)
);

-- Reviewers by rule: the owner of a group, account or permission set.
CREATE TABLE review_owners (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('group', 'account', 'permission_set')),
    object_id   TEXT NOT NULL,
    email       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, source_id, kind, object_id)
);
CREATE FUNCTION review_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'review_decisions is append-only';
END;
$$;
CREATE TRIGGER review_decisions_no_change BEFORE UPDATE OR DELETE ON review_decisions
    FOR EACH ROW EXECUTE FUNCTION review_decisions_append_only();
CREATE TRIGGER review_decisions_no_truncate BEFORE TRUNCATE ON review_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION review_decisions_append_only();
