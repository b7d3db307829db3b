-- App Home lists the report-card rounds waiting for a rater. Like 0009's triggers, these queue a
-- re-publish of the rater's Home (only for someone who opened it, only if none is waiting, and
-- no sooner than a minute after the last one) when a round asks them, when they answer, and
-- when the round closes. "Now" is the changed row's own timestamp.

create trigger home_on_round_opened after insert on report_card_invitations
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.rater_id), 'home', new.rater_id, null, null,
           max(r.opened_at * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.rater_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.rater_id
                           and status = 'pending' and claimed_until_ms is not null), r.opened_at * 1000 + 60000, 0)),
           r.opened_at
    from report_card_rounds r
    where r.id = new.round_id
      and exists (select 1 from home_views where user_id = new.rater_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.rater_id
                      and status = 'pending' and claimed_until_ms is null);
end;

create trigger home_on_round_answered after insert on report_card_answers
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', new.rater_id), 'home', new.rater_id, null, null,
           max(new.answered_at * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = new.rater_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = new.rater_id
                           and status = 'pending' and claimed_until_ms is not null), new.answered_at * 1000 + 60000, 0)),
           new.answered_at
    where exists (select 1 from home_views where user_id = new.rater_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = new.rater_id
                      and status = 'pending' and claimed_until_ms is null);
end;

create trigger home_on_round_closed after update of closed_at on report_card_rounds
when old.closed_at is null and new.closed_at is not null
begin
    insert into outbox (method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at)
    select 'views.publish', 'views.publish', null, json_object('user_id', i.rater_id), 'home', i.rater_id, null, null,
           max(new.closed_at * 1000,
               coalesce((select max(sent_at) from outbox where render = 'home' and recipient = i.rater_id) * 1000 + 60000, 0),
               iif(exists (select 1 from outbox where render = 'home' and recipient = i.rater_id
                           and status = 'pending' and claimed_until_ms is not null), new.closed_at * 1000 + 60000, 0)),
           new.closed_at
    from report_card_invitations i
    where i.round_id = new.id
      and exists (select 1 from home_views where user_id = i.rater_id)
      and not exists (select 1 from outbox where render = 'home' and recipient = i.rater_id
                      and status = 'pending' and claimed_until_ms is null);
end;
