-- "👏 Add your thanks": a colleague's thanks on a celebration or a story post, one per person
-- per recognition. Counted on the post, on the heroes' profiles and Home; exported with the
-- recognition; deleted with it by retention.

create table thanks (
    id integer primary key,
    nomination_id integer references nominations (id) on delete cascade, -- the celebration thanked; null for a story
    story_id integer references stories (id) on delete cascade,           -- the story thanked; null for a nomination
    by_id text not null,           -- who thanked; after `herobot forget`, a placeholder (the count stays)
    created_at integer not null,
    check ((nomination_id is null) != (story_id is null))
);

-- Once per person per recognition; and the counts per recognition come from these.
create unique index thanks_once_per_nomination on thanks (nomination_id, by_id) where nomination_id is not null;
create unique index thanks_once_per_story on thanks (story_id, by_id) where story_id is not null;
-- Thanks given by one person (`herobot person-data`, `herobot forget`).
create index thanks_by on thanks (by_id);

-- Re-publishes the heroes' Home (its count of thanks), as migration 0009's triggers do: only
-- for someone who opened Home, only if no publish waits, no sooner than a minute after the last.
create trigger home_on_thanks after insert on thanks
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', h.hero_id), 'home', h.hero_id, null, null,
           max(new.created_at * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = h.hero_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = h.hero_id
                           and status = 'pending' and claimed_until_ms is not null), new.created_at * 1000 + 60000, 0)),
           new.created_at
    from (select hero_id from nomination_heroes where nomination_id = new.nomination_id
          union
          select hero_id from story_heroes where story_id = new.story_id) h
    where exists (select 1 from home_views where user_id = h.hero_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = h.hero_id
                      and status = 'pending' and claimed_until_ms is null);
end;

-- Where a celebration was posted (`store::outbox::sent_posts`), to update it in place as thanks
-- are added, as `outbox_story_posts` (migration 0006) does for stories.
create index outbox_celebrations on outbox (subject_id) where render = 'celebration';
