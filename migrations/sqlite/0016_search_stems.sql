-- Search matches word forms: the porter stemmer runs over unicode61's tokens, so "refunded
-- customers" finds "we refund the customer" (both sides are stemmed: the index here, the query
-- when it is parsed). The indexes keep their shape (external content, the same columns, the
-- same diacritic folding); they are made again with the new tokenizer and rebuilt from the
-- tables. The triggers of 0011 name the tables, not their tokenizer, and keep working.

drop table stories_fts;
drop table nominations_fts;

create virtual table stories_fts using fts5(
    title, what_went_wrong, how_fixed, surprise,
    content = 'stories', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
create virtual table nominations_fts using fts5(
    reason,
    content = 'nominations', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- The rebuild indexes every row stored so far, so the indexer's marks move to the last of them.
insert into stories_fts (stories_fts) values ('rebuild');
insert into nominations_fts (nominations_fts) values ('rebuild');
update search_indexed set last_id = coalesce((select max(id) from nominations), 0)
where source = 'nominations';
update search_indexed set last_id = coalesce((select max(id) from stories), 0)
where source = 'stories';
