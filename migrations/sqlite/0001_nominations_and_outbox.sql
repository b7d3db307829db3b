-- Nominations, their heroes and tags; idempotency keys for Slack requests; the outbox.
-- Instants are INTEGER unix seconds unless the column name ends in _ms (unix milliseconds).

create table nominations (
    id integer primary key,
    team_id text not null,                 -- Slack workspace (T…) the nomination was made in
    nominator_id text not null,            -- Slack user (U… or W…) who recognised the heroes
    category text check (category in ('external', 'internal', 'recovery', 'empowerment')),
    customer_kind text check (customer_kind in ('external', 'internal')),  -- null: not said
    reason text not null,                  -- plain text, Slack's escapes undone; may hold <@U…> hero mentions
    channel_id text,                       -- where /hero was typed; null when unknown (modals, shortcuts)
    source text not null check (source in ('command', 'modal', 'shortcut')),
    message_permalink text,                -- the message a shortcut nominated from
    created_at integer not null
);
create index nominations_created_at on nominations (created_at);
create index nominations_nominator on nominations (nominator_id, created_at);

create table nomination_heroes (
    nomination_id integer not null references nominations (id) on delete cascade,
    hero_id text not null,
    position integer not null,             -- order in which the heroes were named
    primary key (nomination_id, hero_id)
) without rowid;
-- No index on hero_id: it would take a page write per distinct hero on every commit of the hot
-- path. Looking a hero up scans this narrow table instead, which is fine for a profile command.

create table nomination_tags (
    nomination_id integer not null references nominations (id) on delete cascade,
    tag text not null,                     -- lowercase, without the '#'
    primary key (nomination_id, tag)
) without rowid;
create index nomination_tags_tag on nomination_tags (tag);

-- One row per Slack request that changed something, so a replay changes nothing again.
create table slack_requests (
    key text primary key,                  -- 'command:<signed timestamp>:<trigger_id>', 'event:<event_id>', …
    response text,                         -- the acknowledgement sent the first time, replayed to duplicates
    created_at integer not null
) without rowid;

-- Messages to Slack, committed with the change that caused them and delivered by the worker.
create table outbox (
    id integer primary key,
    method text not null,                  -- a Web API method ('chat.postMessage', …) or 'response_url'
    lane text not null,                    -- pacing key: the channel or user the message goes to
    url text,                              -- the response_url, for method 'response_url'
    payload text not null,                 -- JSON body; with render, the fields laid over the rendered body
    render text,                           -- null: send payload as is; else rendered when sent from the
                                           -- committed record it is about: 'celebration' and 'hero_dm'
                                           -- (a nomination), 'story_post' and 'consent_dm' (a story)
    subject_id integer,                    -- that record's ID
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts integer not null default 0,
    next_attempt_at_ms integer not null,   -- not before this
    claimed_until_ms integer,              -- a worker holds the row until then (several replicas may run)
    last_error text,
    response text,                         -- Slack's answer when sent (holds channel and ts)
    created_at integer not null,
    sent_at integer
);
-- The worker reads pending rows in ID order; sent and failed rows stay for the record.
create index outbox_pending on outbox (id) where status = 'pending';
