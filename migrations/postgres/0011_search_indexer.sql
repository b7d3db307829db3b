-- PostgreSQL twin of sqlite/0011. SQLite moved search indexing behind the commit: an indexer
-- follows committed rows in ID order into FTS5 and records how far it got here, with triggers
-- for changes to rows already indexed. PostgreSQL's `search` columns (0004) are computed in the
-- writing transaction, so neither the triggers nor the marks are needed for search; the table
-- is kept so both schemas have the same tables. (In PostgreSQL, IDs are not committed in ID
-- order when transactions overlap, so a mark of this kind would skip rows there.)

create table search_indexed (
    source text primary key check (source in ('nominations', 'stories')),
    last_id bigint not null                -- SQLite: every row with an ID up to this one is indexed
);

insert into search_indexed (source, last_id) values
    ('nominations', coalesce((select max(id) from nominations), 0)),
    ('stories', coalesce((select max(id) from stories), 0));
