-- PostgreSQL twin of sqlite/0017: what the customer reads about a story, and when featuring it
-- asked a pending hero for their OK.

-- The line the customer reads instead of the title; null: the title.
alter table stories add column customer_title text;

-- When featuring the story sent this hero the polite ask (unix seconds); null: never.
alter table story_heroes add column feature_asked_at bigint;
