-- The wallboard's keys: each `/hero wall` (or `herobot wall`) hands out a link with a new random
-- key; only its SHA-256 is kept, so a copy of the database opens no wallboard. Revoking ends
-- every key at once.

create table wall_keys (
    key_hash text primary key,             -- hex SHA-256 of the key in the link
    issued_by text not null,               -- a leader's user ID, or 'cli'
    issued_at integer not null,
    revoked_at integer                     -- set by `/hero wall revoke`; null: the link works
) without rowid;
