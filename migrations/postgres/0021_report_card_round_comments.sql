-- PostgreSQL twin of sqlite/0021: one optional comment about the whole card, per rater per
-- round.
create table report_card_round_comments (
    round_id bigint not null references report_card_rounds (id),
    rater_id text not null,
    comment text not null,
    answered_at bigint not null,
    primary key (round_id, rater_id)
);
