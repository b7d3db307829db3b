-- One row per weekly digest posted: the primary key is what makes a digest go out once per
-- week and team, across restarts, racing posters and several replicas.
create table digests (
    team_id text not null,
    week text not null,                    -- ISO week in HEROBOT_TIMEZONE, 'YYYY-Www'
    channel_id text not null,
    posted_by text not null,               -- 'schedule', 'cli', or the leader's Slack user ID
    posted_at integer not null,
    primary key (team_id, week)
) without rowid;

create index stories_featured on stories (featured_at) where featured_at is not null;
