-- Display names of Slack users, as users.info last gave them, so exports name heroes without
-- calling Slack for every story.
create table user_names (
    user_id text primary key,
    name text not null,
    fetched_at integer not null
) without rowid;
