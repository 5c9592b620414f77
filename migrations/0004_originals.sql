-- The person's own words, in their language, beside a free-text answer that
-- was translated while entering a response on their behalf (assisted entry).
-- Analysis uses the answer; quotes can show both.
CREATE TABLE answer_originals (
    response_id   INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_key  TEXT NOT NULL,
    language      TEXT NOT NULL,
    text          TEXT NOT NULL,
    PRIMARY KEY (response_id, question_key)
) WITHOUT ROWID;
