-- Who did what, when, to which record: sign-ins (and failed ones), survey
-- changes, responses entered on someone's behalf, imports, exports and user
-- changes. Rows are only ever added. No answers or passwords are kept here.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor     TEXT NOT NULL,    -- the user's email address, "cli", or "anonymous"
    action    TEXT NOT NULL,    -- e.g. sign_in, survey.create, response.entered_for, import, export
    target    TEXT NOT NULL,    -- e.g. survey:care-strategy-2027, response:K7P-3QX, user:olu@example.org
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (at);
