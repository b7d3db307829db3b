-- What the customer reads about a story, worded by its teller, and the polite ask a credited
-- hero gets (once) when a leader features a story they have not answered for yet.

-- The line the customer reads instead of the title (the answer page, the internal customer's
-- DM): an internal title such as "Sales deck with last year's prices" is not for them.
-- Null: the title.
alter table stories add column customer_title text;

-- When featuring the story sent this hero the ask "a leader would like to tell this story in
-- talks — OK?" (unix seconds); null: never. Set once, so a hero is asked once per story
-- however often it is featured.
alter table story_heroes add column feature_asked_at integer;
