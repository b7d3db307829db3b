-- PostgreSQL twin of sqlite/0010: profiles find a hero's recognitions by index.
create index nomination_heroes_hero on nomination_heroes (hero_id);
