-- Service-recovery stories, the heroes they credit (with each hero's consent) and their tags.

create table stories (
    id integer primary key,
    team_id text not null,
    author_id text not null,               -- Slack user who told the story
    title text not null,
    what_went_wrong text not null,
    happened_at integer not null,          -- when the mistake happened
    fixed_at integer not null,             -- when it was fixed
    how_fixed text not null,
    surprise text,                         -- what the customer got that they did not expect; null: none
    customer_kind text not null check (customer_kind in ('external', 'internal')),
    reaction text not null check (reaction in ('blown_away', 'satisfied', 'unknown')),
    message_permalink text,                -- the message a shortcut started the story from
    featured_at integer,                   -- set when a leader marked it talk-worthy; null: not featured
    featured_by text,
    created_at integer not null,
    check (fixed_at >= happened_at)
);
create index stories_created_at on stories (created_at);
create index stories_author on stories (author_id, created_at);

create table story_heroes (
    story_id integer not null references stories (id) on delete cascade,
    hero_id text not null,
    position integer not null,
    consent text not null default 'pending' check (consent in ('pending', 'granted', 'declined')),
    consent_at integer,                    -- when the hero last chose
    primary key (story_id, hero_id)
) without rowid;
create index story_heroes_hero on story_heroes (hero_id);

create table story_tags (
    story_id integer not null references stories (id) on delete cascade,
    tag text not null,
    primary key (story_id, tag)
) without rowid;
create index story_tags_tag on story_tags (tag);
