-- Profiles find a hero's recognitions by index instead of scanning every nomination's heroes:
-- `/hero profile` answers in milliseconds on a year of a large company's data. It costs one
-- index entry per hero named in a nomination on the commit path (the table is narrow and
-- without rowid, so the entry is the hero and the nomination ID).
create index nomination_heroes_hero on nomination_heroes (hero_id);
