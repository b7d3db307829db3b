-- Full-text search over stories and nominations (FTS5, ranked with bm25). External-content
-- tables hold only the index; the text stays in its own table. Triggers keep them in step, and
-- this migration indexes what is already stored.

create virtual table stories_fts using fts5(
    title, what_went_wrong, how_fixed, surprise,
    content = 'stories', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
create virtual table nominations_fts using fts5(
    reason,
    content = 'nominations', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

create trigger stories_fts_insert after insert on stories begin
    insert into stories_fts (rowid, title, what_went_wrong, how_fixed, surprise)
    values (new.id, new.title, new.what_went_wrong, new.how_fixed, new.surprise);
end;
create trigger stories_fts_delete after delete on stories begin
    insert into stories_fts (stories_fts, rowid, title, what_went_wrong, how_fixed, surprise)
    values ('delete', old.id, old.title, old.what_went_wrong, old.how_fixed, old.surprise);
end;
-- Only the indexed text matters: featuring a story does not touch the index.
create trigger stories_fts_update after update of title, what_went_wrong, how_fixed, surprise on stories begin
    insert into stories_fts (stories_fts, rowid, title, what_went_wrong, how_fixed, surprise)
    values ('delete', old.id, old.title, old.what_went_wrong, old.how_fixed, old.surprise);
    insert into stories_fts (rowid, title, what_went_wrong, how_fixed, surprise)
    values (new.id, new.title, new.what_went_wrong, new.how_fixed, new.surprise);
end;

create trigger nominations_fts_insert after insert on nominations begin
    insert into nominations_fts (rowid, reason) values (new.id, new.reason);
end;
create trigger nominations_fts_delete after delete on nominations begin
    insert into nominations_fts (nominations_fts, rowid, reason) values ('delete', old.id, old.reason);
end;
create trigger nominations_fts_update after update of reason on nominations begin
    insert into nominations_fts (nominations_fts, rowid, reason) values ('delete', old.id, old.reason);
    insert into nominations_fts (rowid, reason) values (new.id, new.reason);
end;

insert into stories_fts (stories_fts) values ('rebuild');
insert into nominations_fts (nominations_fts) values ('rebuild');
