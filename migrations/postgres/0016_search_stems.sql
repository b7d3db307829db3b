-- PostgreSQL twin of sqlite/0016, which makes SQLite's search match word forms (porter
-- stemming) and rebuilds its FTS5 indexes. PostgreSQL's search has stemmed from 0004 on, so
-- there is nothing to change; the number is kept so both backends count their migrations alike.
select 1;
