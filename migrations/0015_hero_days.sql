-- `/hero top` ranks from a rollup instead of every nomination of the period: per hero and UTC
-- day, and per hero and block of 32 days, how often they were credited (nominations naming
-- them, stories crediting them) and the latest time of each. The search indexer keeps both in
-- step: it adds the rows it indexes in the same transaction that moves its mark
-- (`search_indexed`), so the rollup holds exactly the rows up to the mark. A ranking reads
-- whole blocks, then whole days, from here, and reads directly the rows past the mark and the
-- part-days at either end of its period. Nominations and stories are never deleted, and their
-- heroes and times never change, so the rollup only grows.
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

-- What the indexer has already indexed.
insert into hero_days (day, hero_id, recognitions, nominated_at, told_at)
select day, hero_id, sum(recognitions), max(nominated_at), max(told_at) from (
    select (n.created_at - (n.created_at < 0) * 86399) / 86400 as day, h.hero_id,
           1 as recognitions, n.created_at as nominated_at, null as told_at
    from nominations n join nomination_heroes h on h.nomination_id = n.id
    where n.id <= (select last_id from search_indexed where source = 'nominations')
    union all
    select (s.created_at - (s.created_at < 0) * 86399) / 86400, h.hero_id, 1, null, s.created_at
    from stories s join story_heroes h on h.story_id = s.id
    where s.id <= (select last_id from search_indexed where source = 'stories'))
group by day, hero_id;

insert into hero_blocks (block, hero_id, recognitions, nominated_at, told_at)
select (day - (day < 0) * 31) / 32, hero_id, sum(recognitions), max(nominated_at), max(told_at)
from hero_days group by 1, 2;
