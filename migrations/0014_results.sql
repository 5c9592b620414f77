-- Closing the loop: "we asked, you said, we did".
--
-- What the council will do about what people said, each action linked to
-- the codebook themes it answers. Texts are JSON objects, language -> text,
-- like a survey definition's. Actions are the officers' working copy:
-- nothing here is public until a publication copies it.
CREATE TABLE actions (
    id                 INTEGER PRIMARY KEY,
    survey_id          INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    themes             TEXT NOT NULL,      -- JSON list of codebook theme ids
    status             TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'not_taken_forward')),
    reason             TEXT NOT NULL,      -- why not taken forward; '{}' otherwise
    due                TEXT,               -- YYYY-MM-DD, when it is expected, if known
    status_changed_at  TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX actions_by_survey ON actions (survey_id, id);

-- Each publication of a survey's results page: exactly what the public
-- sees (the figures already protected, the actions as they were), so the
-- page and its open data never show anything an officer did not publish,
-- and later edits stay private until the next publication.
CREATE TABLE result_publications (
    survey_id     INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    content       TEXT NOT NULL,   -- JSON (surveys.Publication)
    PRIMARY KEY (survey_id, version)
);

-- People who asked to hear what happened to what they said. Kept only for
-- that: deleted when they unsubscribe, say STOP, or the survey is archived.
-- A text-message offer (made with the thanks) waits as 'offered', without
-- the number, until the resident replies YES (then the number is kept) or
-- NO (then the row goes), or it expires.
CREATE TABLE update_subscriptions (
    id            INTEGER PRIMARY KEY,
    survey_id     INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    response_id   INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    channel       TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    address       TEXT NOT NULL,   -- E.164 number or email address; '' while offered
    address_hash  TEXT NOT NULL,   -- keyed hash of the number (as in sms_suppressions) or of the address
    language      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('offered', 'subscribed')),
    token         TEXT NOT NULL UNIQUE, -- in every message's unsubscribe link
    created_at    TEXT NOT NULL,
    expires_at    TEXT             -- offers only
);
CREATE UNIQUE INDEX update_subscriptions_once ON update_subscriptions (response_id, channel);
CREATE INDEX update_subscriptions_by_survey ON update_subscriptions (survey_id, status);
CREATE INDEX update_subscriptions_by_hash ON update_subscriptions (address_hash);

-- Emails Voices sends (updates), durable until the mail server has taken
-- them; the address is blanked once a message is sent or given up on.
CREATE TABLE email_outbox (
    id               INTEGER PRIMARY KEY,
    survey_id        INTEGER REFERENCES surveys (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,          -- "update:<publication version>"
    address          TEXT NOT NULL,
    address_hash     TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    unsubscribe      TEXT NOT NULL,          -- the unsubscribe link, for the List-Unsubscribe header
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    error            TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX email_outbox_once ON email_outbox (survey_id, kind, address_hash);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';

-- A survey put away for good: closed, contact details deleted. Its results
-- page stays up.
CREATE TABLE survey_archives (
    survey_id    INTEGER PRIMARY KEY REFERENCES surveys (id) ON DELETE CASCADE,
    archived_at  TEXT NOT NULL,
    archived_by  TEXT NOT NULL
);
