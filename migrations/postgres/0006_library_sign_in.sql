-- PostgreSQL twin of sqlite/0006: the story library's sign-in key, links and sessions; and a
-- way to find a story's posts. SQLite's BLOB is BYTEA.

create table library_key (
    id bigint primary key check (id = 1),
    key bytea not null check (octet_length(key) = 32),
    created_at bigint not null
);

create table library_links (
    nonce text primary key,
    user_id text not null,
    expires_at bigint not null,
    used_at bigint                         -- set when the link started a session; null: unused
);

create table library_sessions (
    nonce text primary key,                -- named in the signed session cookie
    user_id text not null,
    started_at bigint not null,
    expires_at bigint not null,
    ended_at bigint                        -- set by signing out; null: open until it expires
);

-- A story featured from the library updates its post in Slack: find the post's channel and ts.
create index outbox_story_posts on outbox (subject_id) where render = 'story_post';
