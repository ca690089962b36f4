-- How long after a job ended it still makes the exit a transition job (issue 9): a programme
-- setting, one month by default.
ALTER TABLE programmes ADD COLUMN transition_window_months BIGINT NOT NULL DEFAULT 1;
