-- plie.steps_per_participant (version 2) on sqlite: compiled SQL, checked by tests/storage/snapshots.rs

-- value, 2021
-- none: plie.steps_per_participant : un taux ou un ratio se calcule à partir de deux indicateurs

-- values, 2020 and 2021
-- none: plie.steps_per_participant : un taux ou un ratio se calcule à partir de deux indicateurs

-- every breakdown, 2021
-- none: plie.steps_per_participant ne se décompose pas

-- counted records, whole structure, 2021
SELECT DISTINCT s.id AS key, p.id AS person_id, p.last_name || ' ' || p.first_names AS person_name, s.start_on AS on_date, s.family || ' – ' || s.title AS detail,
                    '' AS reasons
             FROM steps s JOIN enrolments e ON e.id = s.enrolment_id JOIN programmes g ON g.id = e.programme_id
             JOIN persons p ON p.id = e.person_id WHERE s.structure_id = $1 AND s.start_on BETWEEN $2 AND $3 AND e.structure_id = $4 ORDER BY person_name, on_date, key
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001)

