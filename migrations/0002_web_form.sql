-- Unfinished web responses ("save and come back later"). They are not
-- responses: never counted or exported, deleted when they expire.
-- code_hash is the SHA-256 of the resume code, which is also the cookie.
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    code_hash   BLOB NOT NULL UNIQUE,
    language    TEXT NOT NULL,
    answers     TEXT NOT NULL,      -- JSON object: question key -> list of values
    equality    TEXT NOT NULL,      -- JSON object, kept apart from the answers
    reference   TEXT,               -- set once submitted
    step        TEXT NOT NULL DEFAULT '', -- the page to come back to, e.g. "question:rating"
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX drafts_by_expiry ON drafts (expires_at);

-- Settings Voices makes for itself, such as the key that signs form tokens.
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);

-- Officers' additions and corrections to the web interface's translations,
-- on top of the catalogues shipped in server/i18n. "_meta.status" and
-- "_meta.language_name" are kept as keys too.
CREATE TABLE translations (
    language    TEXT NOT NULL,
    key         TEXT NOT NULL,
    text        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (language, key)
);
