-- Themes: codebooks (every version kept), suggested themes for free-text
-- answers, people's codings of them, labelled answers imported to train
-- from, and the trained model.
CREATE TABLE codebook_versions (
    survey_id  INTEGER NOT NULL REFERENCES surveys (id),
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    themes     TEXT NOT NULL,            -- JSON list of themes
    PRIMARY KEY (survey_id, version)
) WITHOUT ROWID;

-- Replaced for an answer each time suggestions run for it.
CREATE TABLE theme_suggestions (
    response_id      INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_key     TEXT NOT NULL,
    theme            TEXT NOT NULL,
    confidence       REAL NOT NULL,
    source           TEXT NOT NULL,      -- rule, model or rule+model
    evidence         TEXT NOT NULL,      -- JSON list of words or phrases
    codebook_version INTEGER NOT NULL,
    PRIMARY KEY (response_id, question_key, theme)
) WITHOUT ROWID;

-- One person's decision on one answer: the themes it has (maybe none).
-- The latest decision on an answer is its coding; two people's decisions on
-- the same answers measure their agreement.
CREATE TABLE theme_codings (
    response_id      INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_key     TEXT NOT NULL,
    coder_id         INTEGER NOT NULL REFERENCES users (id),
    themes           TEXT NOT NULL,      -- JSON list of theme ids, sorted
    codebook_version INTEGER NOT NULL,
    coded_at         TEXT NOT NULL,
    PRIMARY KEY (response_id, question_key, coder_id)
) WITHOUT ROWID;
CREATE INDEX theme_codings_by_time ON theme_codings (response_id, question_key, coded_at);

CREATE TABLE theme_training (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id),
    text      TEXT NOT NULL,
    themes    TEXT NOT NULL              -- JSON list of theme ids
);
CREATE INDEX theme_training_by_survey ON theme_training (survey_id);

CREATE TABLE theme_models (
    survey_id        INTEGER PRIMARY KEY REFERENCES surveys (id),
    trained_at       TEXT NOT NULL,
    examples         INTEGER NOT NULL,
    codebook_version INTEGER NOT NULL,
    model            BLOB NOT NULL
);
