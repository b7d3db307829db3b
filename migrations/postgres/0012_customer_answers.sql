-- PostgreSQL twin of sqlite/0012: the customer's own answer to a recovery story, the internal
-- customers asked in Slack, and how often each answer link was used.

create table customer_answers (
    story_id bigint primary key references stories (id) on delete cascade,
    answer text not null check (answer in ('blown_away', 'satisfied', 'not_really')),
    comment text,                          -- optional, as the customer typed it
    answered_at bigint not null,           -- when the latest answer was given
    customer_id text                       -- who: the internal customer's Slack user ID; null: the answer link
);

-- The internal customer a teller named: only this person's buttons record an answer.
create table customer_asks (
    story_id bigint primary key references stories (id) on delete cascade,
    customer_id text not null,
    asked_by text not null,
    asked_at bigint not null
);

-- Answers recorded through each answer link (named by its story and the moment it was made).
create table answer_link_uses (
    story_id bigint not null references stories (id) on delete cascade,
    made_at bigint not null,
    answers bigint not null,
    primary key (story_id, made_at)
);
