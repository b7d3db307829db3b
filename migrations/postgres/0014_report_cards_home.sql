-- PostgreSQL twin of sqlite/0014: a rater's Home is re-published (through 0009's
-- home_republish) when a round asks them, when they answer, and when the round closes.

create function home_on_round_opened() returns trigger language plpgsql as $$
begin
    perform home_republish(new.rater_id, (select opened_at from report_card_rounds where id = new.round_id));
    return null;
end;
$$;
create trigger home_on_round_opened after insert on report_card_invitations
for each row execute function home_on_round_opened();

create function home_on_round_answered() returns trigger language plpgsql as $$
begin
    perform home_republish(new.rater_id, new.answered_at);
    return null;
end;
$$;
create trigger home_on_round_answered after insert on report_card_answers
for each row execute function home_on_round_answered();

create function home_on_round_closed() returns trigger language plpgsql as $$
begin
    perform home_republish(i.rater_id, new.closed_at)
    from report_card_invitations i
    where i.round_id = new.id;
    return null;
end;
$$;
create trigger home_on_round_closed after update of closed_at on report_card_rounds
for each row when (old.closed_at is null and new.closed_at is not null)
execute function home_on_round_closed();
