-- The audit trail: who did what, about what, and when. Append-only: only src/store/audit.rs
-- touches it, by inserting; the one change it ever makes is forget's, which puts a forgotten
-- person's placeholder where their ID was (tests/architecture keeps it so). Retention never
-- deletes from it.
create table audit (
    id integer primary key,
    -- when, unix seconds
    at integer not null,
    -- who: a Slack user ID (a forgotten person's placeholder), 'cli', 'api' or 'schedule'
    actor text not null,
    -- what: the event's stable name (domain::audit::Event), e.g. 'story_featured'
    event text not null,
    -- about what: the typed subject as JSON (domain::audit::Subject), e.g. {"story":12};
    -- never text a person typed
    subject text not null default '"nothing"'
);

create index audit_at on audit (at);
