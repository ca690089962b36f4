-- Breakdowns read each counted record's pathway, and the referent in charge at the record's
-- date (issue 4, benchmark `annual_report`): the indexes of 0008 carry them, so that a year's
-- records and their referents are read from the indexes alone.
DROP INDEX steps_programme_start;
DROP INDEX steps_programme_end;
CREATE INDEX steps_programme_start ON steps(structure_id, programme_id, start_on, family, validated, enrolment_id);
CREATE INDEX steps_programme_end ON steps(structure_id, programme_id, end_on, family, validated, enrolment_id);

DROP INDEX enrolments_programme;
DROP INDEX enrolments_programme_exit;
DROP INDEX enrolments_structure_period;
CREATE INDEX enrolments_programme ON enrolments(structure_id, programme_id, entered_on, exited_on, exit_category, person_id, id);
CREATE INDEX enrolments_programme_exit ON enrolments(structure_id, programme_id, exited_on, entered_on, exit_category, person_id, id);
CREATE INDEX enrolments_structure_period ON enrolments(structure_id, entered_on, exited_on, person_id, id);

DROP INDEX enrolment_referents_history;
CREATE INDEX enrolment_referents_history ON enrolment_referents(enrolment_id, from_date, until_date, user_id);
