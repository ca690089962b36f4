-- Issue 9 (access): the password checks of an account are counted in a window that the
-- database opens and closes itself, so that the reservation of a check is one atomic UPDATE.
ALTER TABLE users ADD COLUMN checks_window_until TIMESTAMPTZ;

-- A token acts only as the account that created it: the tokens an administrator created for
-- another account are closed.
UPDATE api_tokens SET revoked_at = now()
WHERE revoked_at IS NULL
  AND NOT EXISTS (
    SELECT 1 FROM audit_log a
    WHERE a.entity = 'api_token' AND a.entity_id = api_tokens.id AND a.action = 'create'
      AND a.user_id = api_tokens.user_id
  );

-- An account locked before this migration stays locked until the end of its lock.
UPDATE users SET checks_window_until = locked_until, failed_logins = 10
WHERE locked_until IS NOT NULL;
