-- The reviewer console role (SQLite): a console user who sees and decides
-- only the access-review items assigned to them. SQLite cannot change a
-- CHECK constraint: console_users is rebuilt as in 0006. Its children
-- (sessions, API tokens) are set aside first, as dropping the parent would
-- cascade into them, then put back. No other table references console_users.
CREATE TABLE console_users_0020 (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'auditor', 'reviewer')),
    created_at     TEXT NOT NULL,
    UNIQUE (tenant_id, email)
);
INSERT INTO console_users_0020 (id, tenant_id, email, password_hash, role, created_at)
    SELECT id, tenant_id, email, password_hash, role, created_at FROM console_users;

CREATE TABLE console_sessions_0020 AS SELECT * FROM console_sessions;
CREATE TABLE api_tokens_0020 AS SELECT * FROM api_tokens;
DROP TABLE console_sessions;
DROP TABLE api_tokens;
DROP TABLE console_users;
ALTER TABLE console_users_0020 RENAME TO console_users;
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
    SELECT id_hash, user_id, tenant_id, csrf_token, created_at, expires_at FROM console_sessions_0020;

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
    SELECT id, tenant_id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at FROM api_tokens_0020;
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id, id);

DROP TABLE console_sessions_0020;
DROP TABLE api_tokens_0020;
