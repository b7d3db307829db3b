-- PostgreSQL twin of sqlite/0015: the rollup `/hero top` ranks from, per hero and UTC day and
-- per hero and block of 32 days, kept behind the commit by the indexer up to its marks.
create table hero_days (
    day bigint not null,                   -- floor(created_at / 86400)
    hero_id text not null,
    recognitions bigint not null,
    nominated_at bigint,                   -- the latest nomination naming the hero that day
    told_at bigint,                        -- the latest story crediting the hero that day
    primary key (day, hero_id)
);

create table hero_blocks (
    block bigint not null,                 -- floor(day / 32)
    hero_id text not null,
    recognitions bigint not null,
    nominated_at bigint,
    told_at bigint,
    primary key (block, hero_id)
);

-- As search_indexed in 0011: SQLite's indexer relies on IDs committing in order. On PostgreSQL
-- the rollup's indexer will have to hold its mark below every transaction still in flight.
create table hero_days_indexed (
    source text primary key check (source in ('nominations', 'stories')),
    last_id bigint not null                -- every row with an ID up to this one is rolled up
);

insert into hero_days_indexed (source, last_id) values ('nominations', 0), ('stories', 0);
