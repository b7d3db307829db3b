-- `/hero top` ranks from a rollup instead of every nomination of the period: per hero and UTC
-- day, and per hero and block of 32 days, how often they were credited (nominations naming
-- them, stories crediting them) and the latest time of each. The search indexer keeps both in
-- step behind the commit: it adds committed rows in ID order, in batches, and records how far it
-- got (`hero_days_indexed`) in the same transaction, so the rollup holds exactly the rows up to
-- that mark. A ranking reads whole blocks, then whole days, from here, and reads directly the
-- rows past the mark and the part-days at either end of its period. Nominations and stories are
-- never deleted, and their heroes and times never change, so the rollup only grows.
create table hero_days (
    day integer not null,                -- floor(created_at / 86400)
    hero_id text not null,
    recognitions integer not null,
    nominated_at integer,                -- the latest nomination naming the hero that day
    told_at integer,                     -- the latest story crediting the hero that day
    primary key (day, hero_id)
) without rowid;

create table hero_blocks (
    block integer not null,              -- floor(day / 32)
    hero_id text not null,
    recognitions integer not null,
    nominated_at integer,
    told_at integer,
    primary key (block, hero_id)
) without rowid;

create table hero_days_indexed (
    source text primary key check (source in ('nominations', 'stories')),
    last_id integer not null              -- every row with an ID up to this one is rolled up
) without rowid;

-- The rollup starts empty and the indexer fills it in batches after the start, so an upgrade
-- does not hold the start for it; until then a ranking reads the rows past the mark directly.
insert into hero_days_indexed (source, last_id) values ('nominations', 0), ('stories', 0);
