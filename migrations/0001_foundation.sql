-- Voices foundation schema: surveys, responses and their answers, equality
-- answers kept apart, users, organisations and API tokens.
-- Timestamps are UTC text in the form 2006-01-02T15:04:05.000000Z, which
-- sorts in time order.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'partner', 'interpreter')),
    organisation_id INTEGER REFERENCES organisations (id),
    password_hash   TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

-- Only a SHA-256 hash of each token is kept.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);

-- The definition is the survey as JSON; status and dates are kept in
-- columns too, because they change without a new definition.
CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    opens_at    TEXT,
    closes_at   TEXT,
    definition  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE responses (
    id                   INTEGER PRIMARY KEY,
    survey_id            INTEGER NOT NULL REFERENCES surveys (id),
    reference            TEXT NOT NULL UNIQUE,
    submitted_at         TEXT NOT NULL,
    channel              TEXT NOT NULL,
    language             TEXT NOT NULL,
    entered_by           TEXT NOT NULL,
    mode                 TEXT,
    interpreter_language TEXT,
    interpreter          TEXT,
    consent_confirmed    INTEGER NOT NULL DEFAULT 0,
    organisation_id      INTEGER REFERENCES organisations (id),
    user_id              INTEGER REFERENCES users (id)
);
CREATE INDEX responses_by_survey ON responses (survey_id, id);
CREATE INDEX responses_by_survey_time ON responses (survey_id, submitted_at);

-- One row per value: a multiple choice answer has a row per option chosen,
-- so breakdowns can count options with plain GROUP BY.
CREATE TABLE answers (
    response_id  INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    position     INTEGER NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (response_id, question_key, position)
) WITHOUT ROWID;
CREATE INDEX answers_by_key ON answers (question_key, value);

-- Equality answers live apart from everything else, linked only to a
-- response (never to a phone number or account), so they can be withdrawn
-- or deleted on their own. NULL is "not answered"; 'prefer_not_to_say' is kept.
CREATE TABLE equality_answers (
    response_id               INTEGER PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,
    standard                  TEXT NOT NULL,
    age_band                  TEXT,
    sex                       TEXT,
    gender_identity           TEXT,
    gender_identity_other     TEXT,
    sexual_orientation        TEXT,
    sexual_orientation_other  TEXT,
    ethnic_group              TEXT,
    ethnic_group_broad        TEXT,
    ethnic_group_other        TEXT,
    religion                  TEXT,
    religion_other            TEXT,
    disability_condition      TEXT,
    disability_impact         TEXT,
    disability                TEXT,
    unpaid_care               TEXT,
    main_language             TEXT,
    main_language_other       TEXT,
    english_proficiency       TEXT
);
