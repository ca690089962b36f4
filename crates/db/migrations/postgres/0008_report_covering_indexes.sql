-- Covering indexes for the annual report (issue 4, benchmark `annual_report`): each figure of
-- a year is counted from one index range, without reading the tables' rows.

-- A step's programme is its pathway's, which never changes; kept on the step (written by
-- `steps::add`) so that a programme's steps of a year are one index range, without a lookup
-- of each step's pathway.
ALTER TABLE steps ADD COLUMN programme_id UUID REFERENCES programmes(id);
UPDATE steps SET programme_id = e.programme_id FROM enrolments e WHERE e.id = steps.enrolment_id;
ALTER TABLE steps ALTER COLUMN programme_id SET NOT NULL;
DROP INDEX steps_family_start;
DROP INDEX steps_family_end;
CREATE INDEX steps_programme_start ON steps(structure_id, programme_id, start_on, family, validated);
CREATE INDEX steps_programme_end ON steps(structure_id, programme_id, end_on, family, validated);

-- Pathways of a programme by entry and by exit, and of the whole structure by entry (figures
-- across programmes), with what the figures read.
DROP INDEX enrolments_programme;
DROP INDEX enrolments_programme_exit;
CREATE INDEX enrolments_programme ON enrolments(structure_id, programme_id, entered_on, exited_on, exit_category, person_id);
CREATE INDEX enrolments_programme_exit ON enrolments(structure_id, programme_id, exited_on, entered_on, exit_category, person_id);
CREATE INDEX enrolments_structure_period ON enrolments(structure_id, entered_on, exited_on, person_id);

-- Contracts of a person by start, with what the figures read (contracts during a pathway).
DROP INDEX employment_contracts_person;
CREATE INDEX employment_contracts_person ON employment_contracts(person_id, start_on, kind, id);

-- The situation at entry (RSA at entry) read from the index alone.
DROP INDEX person_situations_person;
CREATE INDEX person_situations_person ON person_situations(person_id, observed_on, receives_rsa);
