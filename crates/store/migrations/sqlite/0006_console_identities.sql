-- Console identities per tenant (SQLite): an email is unique within its
-- tenant, not across tenants, so inviting an address tells one tenant
-- nothing about another. SQLite cannot drop a column's UNIQUE constraint:
-- the table is rebuilt. Its children (sessions, API tokens) are set aside
-- first, as dropping the parent would cascade into them, then put back.
CREATE TABLE console_users_0006 (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'auditor')),
    created_at     TEXT NOT NULL,
    UNIQUE (tenant_id, email)
);
INSERT INTO console_users_0006 (id, tenant_id, email, password_hash, role, created_at)
    SELECT id, tenant_id, email, password_hash, role, created_at FROM console_users;

CREATE TABLE console_sessions_0006 AS SELECT * FROM console_sessions;
CREATE TABLE api_tokens_0006 AS SELECT * FROM api_tokens;
DROP TABLE console_sessions;
DROP TABLE api_tokens;
DROP TABLE console_users;
ALTER TABLE console_users_0006 RENAME TO console_users;
CREATE INDEX console_users_tenant ON console_users (tenant_id, id);
CREATE INDEX console_users_email ON console_users (email);

CREATE TABLE console_sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
INSERT INTO console_sessions (id_hash, user_id, tenant_id, csrf_token, created_at, expires_at)
    SELECT id_hash, user_id, tenant_id, csrf_token, created_at, expires_at FROM console_sessions_0006;

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    user_id       TEXT NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
INSERT INTO api_tokens (id, tenant_id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at)
    SELECT id, tenant_id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at FROM api_tokens_0006;
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id, id);

DROP TABLE console_sessions_0006;
DROP TABLE api_tokens_0006;
