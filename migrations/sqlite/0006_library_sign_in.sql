-- The story library's sign-in: the key that signs sign-in links and sessions (made once, at
-- random, by the first start that needs it), the links handed out, each usable once, and the
-- sessions they started (so signing out ends one for good); and a
-- way to find a story's posts, to update them when it is featured from the library.

create table library_key (
    id integer primary key check (id = 1),
    key blob not null check (length(key) = 32),
    created_at integer not null
);

create table library_links (
    nonce text primary key,
    user_id text not null,
    expires_at integer not null,
    used_at integer                        -- set when the link started a session; null: unused
) without rowid;

create table library_sessions (
    nonce text primary key,                -- named in the signed session cookie
    user_id text not null,
    started_at integer not null,
    expires_at integer not null,
    ended_at integer                       -- set by signing out; null: open until it expires
) without rowid;

-- A story featured from the library updates its post in Slack: find the post's channel and ts.
create index outbox_story_posts on outbox (subject_id) where render = 'story_post';

