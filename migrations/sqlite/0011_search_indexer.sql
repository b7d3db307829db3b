-- Search indexing moves behind the commit: an indexer follows committed rows in ID order and
-- indexes them in batches, recording how far it got in the same transaction, so a crash loses
-- no index entry for good (the next start indexes from there). SQLite has one writer at a time,
-- so IDs become visible in order and nothing committed is ever behind the mark. Rows before the
-- mark are indexed: only their changes touch the index from a trigger.

create table search_indexed (
    source text primary key check (source in ('nominations', 'stories')),
    last_id integer not null              -- every row with an ID up to this one is indexed
) without rowid;

-- The insert triggers indexed everything stored so far.
insert into search_indexed (source, last_id) values
    ('nominations', coalesce((select max(id) from nominations), 0)),
    ('stories', coalesce((select max(id) from stories), 0));

drop trigger nominations_fts_insert;
drop trigger stories_fts_insert;

-- A change to a row not yet indexed leaves the index alone: the indexer reads the row as it is.
drop trigger stories_fts_delete;
create trigger stories_fts_delete after delete on stories
when old.id <= (select last_id from search_indexed where source = 'stories') begin
    insert into stories_fts (stories_fts, rowid, title, what_went_wrong, how_fixed, surprise)
    values ('delete', old.id, old.title, old.what_went_wrong, old.how_fixed, old.surprise);
end;
drop trigger stories_fts_update;
create trigger stories_fts_update after update of title, what_went_wrong, how_fixed, surprise on stories
when old.id <= (select last_id from search_indexed where source = 'stories') begin
    insert into stories_fts (stories_fts, rowid, title, what_went_wrong, how_fixed, surprise)
    values ('delete', old.id, old.title, old.what_went_wrong, old.how_fixed, old.surprise);
    insert into stories_fts (rowid, title, what_went_wrong, how_fixed, surprise)
    values (new.id, new.title, new.what_went_wrong, new.how_fixed, new.surprise);
end;
drop trigger nominations_fts_delete;
create trigger nominations_fts_delete after delete on nominations
when old.id <= (select last_id from search_indexed where source = 'nominations') begin
    insert into nominations_fts (nominations_fts, rowid, reason) values ('delete', old.id, old.reason);
end;
drop trigger nominations_fts_update;
create trigger nominations_fts_update after update of reason on nominations
when old.id <= (select last_id from search_indexed where source = 'nominations') begin
    insert into nominations_fts (nominations_fts, rowid, reason) values ('delete', old.id, old.reason);
    insert into nominations_fts (rowid, reason) values (new.id, new.reason);
end;
