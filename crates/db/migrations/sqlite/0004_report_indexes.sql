-- Indexes for the annual report (issue 4, benchmark `annual_report`): each figure reads only
-- its programme's records of the year, by the date its period rule names.

-- Exits of the year (exits, exit rates, mean duration); entries use `enrolments_programme`.
CREATE INDEX enrolments_programme_exit ON enrolments(structure_id, programme_id, exited_on);
-- Steps by family started in the year (upskilling steps) or ended in it (trainings obtained).
CREATE INDEX steps_family_start ON steps(family, start_on);
CREATE INDEX steps_family_end ON steps(family, end_on);
