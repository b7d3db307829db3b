-- PostgreSQL twin of sqlite/0005: display names of Slack users, as users.info last gave them.
create table user_names (
    user_id text primary key,
    name text not null,
    fetched_at bigint not null
);
