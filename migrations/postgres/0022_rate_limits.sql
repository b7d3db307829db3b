-- PostgreSQL twin of sqlite/0022: allowances kept in the database, so they hold across replicas
-- and restarts: one row per limited key, as a generic cell rate algorithm keeps it
-- ('answer:<address>' for the answer page, 'hourly:<user>' for nominations and stories).
create table rate_limits (
    key text primary key,
    tat_ms bigint not null                 -- theoretical arrival time (unix ms): the allowance is
                                           -- used up while it is more than the burst ahead of now
);
