-- PostgreSQL twin of sqlite/0008: the wallboard's keys (only their SHA-256 is kept).
create table wall_keys (
    key_hash text primary key,             -- hex SHA-256 of the key in the link
    issued_by text not null,               -- a leader's user ID, or 'cli'
    issued_at bigint not null,
    revoked_at bigint                      -- set by `/hero wall revoke`; null: the link works
);
