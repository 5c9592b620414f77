-- Corrections to stored responses. A response is never edited without a
-- row here saying who changed it, when, why, and what it said before and
-- after (JSON of its answers, equality answers and original words).
CREATE TABLE corrections (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL
);
CREATE INDEX corrections_by_response ON corrections (response_id, id);
