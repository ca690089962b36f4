-- A step's programme is never null (written by `steps::add`, backfilled by 0008), as
-- PostgreSQL's schema says: SQLite cannot add NOT NULL to a column, so the table is rebuilt
-- with the same rows and indexes (the schema-parity test compares both engines).
CREATE TABLE steps_rebuilt (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    family TEXT NOT NULL,
    title TEXT NOT NULL,
    provider TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT,
    qualifying INTEGER NOT NULL DEFAULT 0,
    validated INTEGER,
    outcome TEXT,
    programme_id BLOB NOT NULL REFERENCES programmes(id)
);
INSERT INTO steps_rebuilt (id, structure_id, enrolment_id, family, title, provider, start_on, end_on,
                           qualifying, validated, outcome, programme_id)
SELECT s.id, s.structure_id, s.enrolment_id, s.family, s.title, s.provider, s.start_on, s.end_on,
       s.qualifying, s.validated, s.outcome,
       COALESCE(s.programme_id, (SELECT e.programme_id FROM enrolments e WHERE e.id = s.enrolment_id))
FROM steps s;
DROP TABLE steps;
ALTER TABLE steps_rebuilt RENAME TO steps;
CREATE INDEX steps_enrolment ON steps(enrolment_id, start_on);
CREATE INDEX steps_programme_start ON steps(structure_id, programme_id, start_on, family, validated, enrolment_id);
CREATE INDEX steps_programme_end ON steps(structure_id, programme_id, end_on, family, validated, enrolment_id);
