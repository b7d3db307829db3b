-- Internal report cards: a customer team's raters rate a supplier team 1–5 on up to six
-- deliverables every month. A card has rounds (one per month rated), each with the raters it
-- asked and their answers, and action items agreed at review.

create table report_cards (
    id integer primary key,
    supplier text not null,                -- the supplier team's name, as the leader typed it
    review_channel text not null,          -- where each round's results are posted
    anonymous integer not null default 1,  -- 1: comments shown without names; 0: attributed
    created_by text not null,
    created_at integer not null,
    updated_at integer not null,
    retired_at integer                     -- null while the card runs rounds
);

-- A card's deliverables in order. Editing the list keeps a deliverable whose text is unchanged,
-- retires the ones dropped (their past answers stay in past results) and adds the new ones.
create table report_card_deliverables (
    id integer primary key,
    card_id integer not null references report_cards (id),
    position integer not null,
    name text not null,
    created_at integer not null,
    retired_at integer
);
create index report_card_deliverables_card on report_card_deliverables (card_id, position);

-- The customer team's raters today. A rater removed from a card gets no further rounds.
create table report_card_raters (
    card_id integer not null references report_cards (id),
    rater_id text not null,
    primary key (card_id, rater_id)
) without rowid;

-- One round per card and month rated: the unique key makes it open once, across restarts,
-- racing schedulers and replicas; closed_at and reminded_at are set once the same way.
create table report_card_rounds (
    id integer primary key,
    card_id integer not null references report_cards (id),
    month text not null,                   -- the month rated, 'YYYY-MM' in HEROBOT_TIMEZONE
    opened_at integer not null,
    opened_by text not null,               -- 'schedule', 'cli'
    anonymous integer not null,            -- the card's setting when the round opened: what its
                                           -- raters were told about their comments
    remind_at integer not null,            -- the one reminder is due then
    reminded_at integer,
    closes_at integer not null,
    closed_at integer,
    closed_by text,
    unique (card_id, month)
);
create index report_card_rounds_open on report_card_rounds (closes_at) where closed_at is null;
create index report_card_rounds_closed on report_card_rounds (closed_at) where closed_at is not null;

-- The raters a round asked: the response rate's denominator, and who may rate in it.
create table report_card_invitations (
    round_id integer not null references report_card_rounds (id),
    rater_id text not null,
    primary key (round_id, rater_id)
) without rowid;

-- A rater's answer per deliverable in a round; a second submission replaces the first.
create table report_card_answers (
    round_id integer not null references report_card_rounds (id),
    rater_id text not null,
    deliverable_id integer not null references report_card_deliverables (id),
    rating integer not null check (rating between 1 and 5),
    comment text,
    answered_at integer not null,
    primary key (round_id, rater_id, deliverable_id)
) without rowid;

-- What the teams agreed to do about a shortfall, owned by one person until done.
create table report_card_actions (
    id integer primary key,
    card_id integer not null references report_cards (id),
    round_id integer not null references report_card_rounds (id),
    what text not null,
    owner_id text not null,
    due_on text not null,                  -- 'YYYY-MM-DD' in HEROBOT_TIMEZONE
    added_by text not null,
    added_at integer not null,
    done_at integer,
    done_by text
);
create index report_card_actions_card on report_card_actions (card_id, done_at);
