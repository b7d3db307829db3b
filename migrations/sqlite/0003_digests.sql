-- One row per weekly digest posted. herobot posts to one digest channel per installation, so the
-- week is the key: it makes a digest go out once, across restarts, racing posters and several
-- replicas.
create table digests (
    week text primary key,                 -- ISO week in HEROBOT_TIMEZONE, 'YYYY-Www'
    channel_id text not null,
    posted_by text not null,               -- 'schedule', 'cli', or the leader's Slack user ID
    posted_at integer not null
) without rowid;

create index stories_featured on stories (featured_at) where featured_at is not null;
