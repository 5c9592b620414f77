-- Responses typed up from paper or uploaded in bulk carry a key made from
-- the survey, who uploaded them and the row (or the paper form's number), so
-- uploading the same file or the same rows again stores nothing twice.
ALTER TABLE responses ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX responses_by_import_key ON responses (survey_id, import_key) WHERE import_key IS NOT NULL;
