-- App Home: who has opened herobot's Home tab (from then on their Home is re-published when
-- something changes for them), and the triggers that queue those re-publishes in the outbox,
-- whichever code path made the change (the nomination writer, a story, a consent button).
--
-- A re-publish is queued only for someone who opened Home, only if none is already waiting
-- (the waiting one renders the latest data when it is sent), and no sooner than a minute after
-- the last one was sent: at most about one `views.publish` a minute per person. "Now" is the
-- changed row's own timestamp, so the app's clock is the only clock.

create table home_views (
    user_id text primary key,
    first_opened_at integer not null,
    last_opened_at integer not null
) without rowid;

-- A person's Home publishes: the one waiting, and when the last was sent.
create index outbox_home on outbox (recipient, sent_at) where render = 'home';

-- Re-publishes a hero's recognitions.
create trigger home_on_recognition after insert on nomination_heroes
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.hero_id), 'home', new.hero_id, null, null,
           max((select created_at from nominations where id = new.nomination_id) * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.hero_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.hero_id
                           and status = 'pending' and claimed_until_ms is not null), (select created_at from nominations where id = new.nomination_id) * 1000 + 60000, 0)),
           (select created_at from nominations where id = new.nomination_id)
    where exists (select 1 from home_views where user_id = new.hero_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.hero_id
                      and status = 'pending' and claimed_until_ms is null);
end;

-- Re-publishes a nominator's count of recognitions given.
create trigger home_on_recognition_given after insert on nominations
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.nominator_id), 'home', new.nominator_id, null, null,
           max(new.created_at * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.nominator_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.nominator_id
                           and status = 'pending' and claimed_until_ms is not null), new.created_at * 1000 + 60000, 0)),
           new.created_at
    where exists (select 1 from home_views where user_id = new.nominator_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.nominator_id
                      and status = 'pending' and claimed_until_ms is null);
end;

-- Re-publishes a credited hero's stories waiting for their OK.
create trigger home_on_credit after insert on story_heroes
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.hero_id), 'home', new.hero_id, null, null,
           max((select created_at from stories where id = new.story_id) * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.hero_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.hero_id
                           and status = 'pending' and claimed_until_ms is not null), (select created_at from stories where id = new.story_id) * 1000 + 60000, 0)),
           (select created_at from stories where id = new.story_id)
    where exists (select 1 from home_views where user_id = new.hero_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.hero_id
                      and status = 'pending' and claimed_until_ms is null);
end;

-- Re-publishes an author's stories told.
create trigger home_on_story_told after insert on stories
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.author_id), 'home', new.author_id, null, null,
           max(new.created_at * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.author_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.author_id
                           and status = 'pending' and claimed_until_ms is not null), new.created_at * 1000 + 60000, 0)),
           new.created_at
    where exists (select 1 from home_views where user_id = new.author_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.author_id
                      and status = 'pending' and claimed_until_ms is null);
end;

-- Re-publishes a hero's consent given (or withdrawn).
create trigger home_on_consent after update of consent on story_heroes when new.consent != old.consent
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.hero_id), 'home', new.hero_id, null, null,
           max(coalesce(new.consent_at, (select created_at from stories where id = new.story_id)) * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.hero_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.hero_id
                           and status = 'pending' and claimed_until_ms is not null), coalesce(new.consent_at, (select created_at from stories where id = new.story_id)) * 1000 + 60000, 0)),
           coalesce(new.consent_at, (select created_at from stories where id = new.story_id))
    where exists (select 1 from home_views where user_id = new.hero_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.hero_id
                      and status = 'pending' and claimed_until_ms is null);
end;
