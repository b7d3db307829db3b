-- PostgreSQL twin of sqlite/0020: people whose Slack account was deactivated, forgotten after
-- HEROBOT_FORGET_DEPARTED_AFTER_DAYS.
create table departures (
    user_id text primary key,
    departed_at bigint not null    -- when herobot learnt the account was deactivated, unix seconds
);

create index departures_at on departures (departed_at);
