-- A claimed delivery carries the token of its claim: a node writes an attempt's outcome only while
-- the claim is still its own, so a node whose lease ran out cannot record over the claim of the
-- node that took the delivery after it. Null while the delivery is not claimed.
alter table notification_deliveries add column claim_token uuid;
