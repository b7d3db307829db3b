-- Outbox messages are typed: a DM names its recipient, and a response_url reply the channel it
-- shows in, in columns of their own (before, the lane stood for both).
alter table outbox add column recipient text;  -- the person a 'hero_dm' or 'consent_dm' is for
alter table outbox add column channel text;    -- for method 'response_url': where the reply shows

update outbox set recipient = lane where render in ('hero_dm', 'consent_dm');
update outbox set channel = lane where method = 'response_url';
