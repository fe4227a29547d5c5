-- Several servers on one PostgreSQL database share the outbox (server/notify/worker.ts). A claimed
-- job (`sending`) now names the worker that claimed it and until when that claim holds (epoch ms),
-- so a server starting no longer takes another live server's in-flight email for one cut off by a
-- crash: only a claim whose lease ran out (its server died) turns `unknown`. Jobs claimed before
-- this migration have no lease and count as expired, as they did before (the server that claimed
-- them has stopped for the upgrade).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
