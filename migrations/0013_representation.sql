-- Representation: who we have heard from, against the population, over the
-- life of a consultation.
--
-- When each response arrived, in its breakdown profile (Unix seconds), so
-- that counting respondents by day reads this one narrow table. Kept by the
-- SQLite adapter with the rest of the profile (surveys/sqlite/profiles.go).
ALTER TABLE breakdown_profiles ADD COLUMN submitted INTEGER NOT NULL DEFAULT 0;
UPDATE breakdown_profiles SET submitted = COALESCE(
    (SELECT CAST(strftime('%s', r.submitted_at) AS INTEGER) FROM responses r WHERE r.id = breakdown_profiles.response_id), 0);

-- The population an officer compares a survey's respondents with, when it
-- is not the default (Birmingham's Census 2021, built in): the CSV as
-- uploaded, in the format of the default, checked before it is stored.
-- One per survey; setting another replaces it, and the audit log keeps
-- who did which when.
CREATE TABLE survey_baselines (
    survey_id INTEGER PRIMARY KEY REFERENCES surveys(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    data      BLOB NOT NULL,
    set_at    TEXT NOT NULL,
    set_by    TEXT NOT NULL
);
