-- Retention: how long personal data is kept is counted from when a survey
-- closed. closed_at is set when the status becomes closed (and cleared if
-- it is opened again); surveys closed before this migration count from
-- their last change.
ALTER TABLE surveys ADD COLUMN closed_at TEXT;
UPDATE surveys SET closed_at = updated_at WHERE status = 'closed';
