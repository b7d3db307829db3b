-- PostgreSQL twin of sqlite/0004 (and of sqlite/0016's word forms): full-text search over
-- stories and nominations. Replaces SQLite's FTS5 tables stories_fts and nominations_fts
-- (external content, unicode61 with diacritics removed, porter stemming, ranked with bm25) with
-- a generated tsvector column `search` in each table under a GIN index, ranked with ts_rank.
-- The column is computed in the transaction that writes the row, so it needs no triggers.
--
-- The configuration `herobot` folds diacritics (the unaccent dictionary, a trusted extension
-- shipped with PostgreSQL) and stems English words (snowball), without the stop words that
-- PostgreSQL's `english` configuration drops, as FTS5 keeps every word.
create extension if not exists unaccent;
create text search dictionary herobot_stem (template = snowball, language = english);
create text search configuration herobot (copy = simple);
alter text search configuration herobot
    alter mapping for asciiword, asciihword, hword_asciipart, word, hword, hword_part
    with unaccent, herobot_stem;

-- Weights keep bm25's 10 : 4 : 4 : 2 over title, what went wrong, how fixed and surprise:
-- A, B, B, C, ranked with ts_rank('{0.1, 0.2, 0.4, 1.0}', …).
alter table stories add column search tsvector generated always as (
    setweight(to_tsvector('herobot', title), 'A')
    || setweight(to_tsvector('herobot', what_went_wrong), 'B')
    || setweight(to_tsvector('herobot', how_fixed), 'B')
    || setweight(to_tsvector('herobot', coalesce(surprise, '')), 'C')
) stored;
alter table nominations add column search tsvector generated always as (
    to_tsvector('herobot', reason)
) stored;
create index stories_search on stories using gin (search);
create index nominations_search on nominations using gin (search);
