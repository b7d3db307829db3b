-- The rating modal has one optional comment, about a deliverable (kept on that answer, as
-- before) or about the whole card: a comment about the whole card is kept here, one per rater
-- per round; a second submission replaces it. It is shown, forgotten, exported to its rater and
-- pruned by retention as an answer's comment is.
create table report_card_round_comments (
    round_id integer not null references report_card_rounds (id),
    rater_id text not null,
    comment text not null,
    answered_at integer not null,
    primary key (round_id, rater_id)
) without rowid;
