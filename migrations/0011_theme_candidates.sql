-- Candidate themes found among answers no theme covers, for an officer to
-- accept into the codebook, merge into a theme, or dismiss. A new run
-- replaces the open ones; decided ones are kept as a record.
CREATE TABLE theme_candidates (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id),
    found_at    TEXT NOT NULL,
    label       TEXT NOT NULL,
    key_phrases TEXT NOT NULL,           -- JSON list
    size        INTEGER NOT NULL,
    quotes      TEXT NOT NULL,           -- JSON list of representative answers, redacted
    status      TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'merged', 'dismissed')),
    theme       TEXT,                    -- the codebook theme it became or joined
    decided_by  TEXT
);
CREATE INDEX theme_candidates_by_survey ON theme_candidates (survey_id, status);
