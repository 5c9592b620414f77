-- Text message surveys (Twilio). Phone numbers are kept only as keyed
-- hashes (HMAC-SHA-256, key in settings), except in the outbox until a
-- message has been handed to Twilio.

-- A survey's SMS keyword, copied from its definition so an incoming text
-- can find its survey without reading every definition.
ALTER TABLE surveys ADD COLUMN sms_keyword TEXT;
UPDATE surveys SET sms_keyword = json_extract(CAST(definition AS TEXT), '$.sms.keyword');
CREATE INDEX surveys_by_sms_keyword ON surveys (sms_keyword) WHERE sms_keyword IS NOT NULL;

-- One resident's conversation about one survey. Like drafts, conversations
-- are not responses: only a submitted one has a response (same reference).
CREATE TABLE sms_conversations (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    phone_hash  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'submitted', 'expired', 'stopped')),
    language    TEXT NOT NULL,
    answers     TEXT NOT NULL,      -- JSON object: question key -> list of values
    equality    TEXT NOT NULL,      -- JSON object, kept apart from the answers
    step        TEXT NOT NULL,      -- the step being asked, e.g. "question:rating"
    tries       INTEGER NOT NULL DEFAULT 0,
    turns       INTEGER NOT NULL DEFAULT 0,
    reference   TEXT,               -- the response's reference, once submitted
    started_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
-- At most one active conversation per number.
CREATE UNIQUE INDEX sms_conversations_active ON sms_conversations (phone_hash) WHERE status = 'active';
CREATE INDEX sms_conversations_by_expiry ON sms_conversations (expires_at) WHERE status = 'active';

-- Every incoming message handled, by Twilio's MessageSid, with the reply
-- given: a message delivered twice changes nothing and gets the same reply.
-- The incoming text itself is not kept here (its answer is in the conversation).
CREATE TABLE sms_messages (
    sid              TEXT PRIMARY KEY,
    conversation_id  INTEGER REFERENCES sms_conversations (id) ON DELETE SET NULL,
    phone_hash       TEXT NOT NULL,
    reply            TEXT NOT NULL,
    received_at      TEXT NOT NULL
);
CREATE INDEX sms_messages_by_time ON sms_messages (received_at);

-- Numbers that must not be texted (STOP, or the carrier's opt-out, Twilio
-- error 21610). Kept even when everything else about a number is erased.
CREATE TABLE sms_suppressions (
    phone_hash  TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Messages Voices sends (invitations), durable until Twilio has them. The
-- number is blanked once a message is sent, refused or given up on.
CREATE TABLE sms_outbox (
    id               INTEGER PRIMARY KEY,
    survey_id        INTEGER REFERENCES surveys (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,          -- "invitation"
    phone            TEXT NOT NULL,          -- E.164 until sent, then ''
    phone_hash       TEXT NOT NULL,
    language         TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL,          -- queued, sending, accepted, sent, delivered, undelivered, failed, read, suppressed, opted_out, rejected
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    message_sid      TEXT UNIQUE,
    error_code       INTEGER,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
-- One invitation per number per survey, however often a list is uploaded.
CREATE UNIQUE INDEX sms_outbox_once ON sms_outbox (survey_id, kind, phone_hash);
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE status = 'queued';
