-- People whose Slack account was deactivated (a user_change event with deleted: true, or
-- users.list), kept only while HEROBOT_FORGET_DEPARTED_AFTER_DAYS is set: after that many days
-- they are forgotten. A reactivated account's row is deleted; so is a forgotten person's.
create table departures (
    user_id text primary key,
    -- when herobot learnt the account was deactivated, unix seconds
    departed_at integer not null
);

create index departures_at on departures (departed_at);
