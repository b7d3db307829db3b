-- Allowances kept in the database, so they hold across replicas (PostgreSQL) and restarts: one
-- row per limited key, as a generic cell rate algorithm keeps it. An answer-page client address
-- ('answer:<address>') on every engine; on PostgreSQL also each person's hourly allowance of
-- nominations and stories ('hourly:<user>'), which one SQLite process keeps in memory.
create table rate_limits (
    key text primary key,
    tat_ms integer not null                -- theoretical arrival time (unix ms): the allowance is
                                           -- used up while it is more than the burst ahead of now
);
