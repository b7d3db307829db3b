-- PostgreSQL twin of sqlite/0003: one row per weekly digest posted. The week is the key: it
-- makes a digest go out once, across restarts, racing posters and several replicas.
create table digests (
    week text primary key,                 -- ISO week in HEROBOT_TIMEZONE, 'YYYY-Www'
    channel_id text not null,
    posted_by text not null,               -- 'schedule', 'cli', or the leader's Slack user ID
    posted_at bigint not null
);

create index stories_featured on stories (featured_at) where featured_at is not null;
