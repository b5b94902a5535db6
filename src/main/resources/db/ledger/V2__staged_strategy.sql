-- Issue 16: the staged load strategy (fluxion.window.strategy = staged | stop-first). Idempotent (IF NOT EXISTS):
-- H2 cannot roll DDL back, so a half-applied run of this file must be able to run again.
--
-- window_run.strategy: the strategy the run followed (null: a run before this version, stop-first).
-- window_run.staging_ms: time spent pulling into the staging files while the backend served (staged runs).
-- window_run.downtime_ms: the backend's downtime in all (stop to running again; the sum of the merge stops).
-- window_run.merges: how many times a staged run stopped the backend to merge.
ALTER TABLE window_run ADD COLUMN IF NOT EXISTS strategy VARCHAR(20);
ALTER TABLE window_run ADD COLUMN IF NOT EXISTS staging_ms BIGINT;
ALTER TABLE window_run ADD COLUMN IF NOT EXISTS downtime_ms BIGINT;
ALTER TABLE window_run ADD COLUMN IF NOT EXISTS merges INT;
-- A staged attempt goes RUNNING -> STAGED (its staging transaction committed: staged_at) -> SUCCEEDED (merged into
-- the analytics file: merged_at; store_day LOADED only then) or FAILED ("staged, not merged: ...").
ALTER TABLE store_attempt ADD COLUMN IF NOT EXISTS staged_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE store_attempt ADD COLUMN IF NOT EXISTS merged_at TIMESTAMP WITH TIME ZONE;
