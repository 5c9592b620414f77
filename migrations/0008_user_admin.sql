-- Administrators turn accounts off and on again. A turned-off user cannot
-- sign in; turning them off deletes their sessions and API tokens in the
-- same transaction, so they are signed out everywhere at once.
ALTER TABLE users ADD COLUMN disabled_at TEXT;   -- NULL while the user may sign in
