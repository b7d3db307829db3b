-- PostgreSQL twin of sqlite/0009: who has opened herobot's Home tab, and the triggers that queue
-- a re-publish of their Home in the outbox whichever code path made the change.
--
-- A re-publish is queued only for someone who opened Home, only if none is already waiting, and
-- no sooner than a minute after the last one was sent. "Now" is the changed row's own
-- timestamp. SQLite repeats one INSERT in each trigger; here the function home_republish holds
-- it once and each trigger function calls it (SQLite's scalar max() is greatest(), iif() a
-- case, json_object() jsonb_build_object()). The "none waiting" guard reads committed rows, so
-- two replicas' transactions can each queue one; a waiting publish renders the latest data, so
-- a second costs one more views.publish, not a wrong Home.

create table home_views (
    user_id text primary key,
    first_opened_at bigint not null,
    last_opened_at bigint not null
);

-- A person's Home publishes: the one waiting, and when the last was sent.
create index outbox_home on outbox (recipient, sent_at) where render = 'home';

create function home_republish(person text, at_s bigint) returns void language sql as $$
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, jsonb_build_object('user_id', person)::text, 'home', person, null, null,
           greatest(at_s * 1000,
                    coalesce((select max(sent_at) from outbox where render = 'home' and recipient = person) * 1000 + 60000, 0),
                    case when exists (select 1 from outbox where render = 'home' and recipient = person
                                      and status = 'pending' and claimed_until_ms is not null)
                         then at_s * 1000 + 60000 else 0 end),
           at_s
    where exists (select 1 from home_views where user_id = person)
      and not exists (select 1 from outbox where render = 'home' and recipient = person
                      and status = 'pending' and claimed_until_ms is null);
$$;

-- Re-publishes a hero's recognitions.
create function home_on_recognition() returns trigger language plpgsql as $$
begin
    perform home_republish(new.hero_id, (select created_at from nominations where id = new.nomination_id));
    return null;
end;
$$;
create trigger home_on_recognition after insert on nomination_heroes
for each row execute function home_on_recognition();

-- Re-publishes a nominator's count of recognitions given.
create function home_on_recognition_given() returns trigger language plpgsql as $$
begin
    perform home_republish(new.nominator_id, new.created_at);
    return null;
end;
$$;
create trigger home_on_recognition_given after insert on nominations
for each row execute function home_on_recognition_given();

-- Re-publishes a credited hero's stories waiting for their OK.
create function home_on_credit() returns trigger language plpgsql as $$
begin
    perform home_republish(new.hero_id, (select created_at from stories where id = new.story_id));
    return null;
end;
$$;
create trigger home_on_credit after insert on story_heroes
for each row execute function home_on_credit();

-- Re-publishes an author's stories told.
create function home_on_story_told() returns trigger language plpgsql as $$
begin
    perform home_republish(new.author_id, new.created_at);
    return null;
end;
$$;
create trigger home_on_story_told after insert on stories
for each row execute function home_on_story_told();

-- Re-publishes a hero's consent given (or withdrawn).
create function home_on_consent() returns trigger language plpgsql as $$
begin
    perform home_republish(new.hero_id,
        coalesce(new.consent_at, (select created_at from stories where id = new.story_id)));
    return null;
end;
$$;
create trigger home_on_consent after update of consent on story_heroes
for each row when (new.consent <> old.consent) execute function home_on_consent();
