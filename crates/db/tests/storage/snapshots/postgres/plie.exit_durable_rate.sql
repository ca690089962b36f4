-- plie.exit_durable_rate (version 2) on postgres: compiled SQL, checked by tests/storage/snapshots.rs

-- value, 2021
-- none: plie.exit_durable_rate : un taux ou un ratio se calcule à partir de deux indicateurs

-- values, 2020 and 2021
-- none: plie.exit_durable_rate : un taux ou un ratio se calcule à partir de deux indicateurs

-- every breakdown, 2021
-- none: plie.exit_durable_rate ne se décompose pas

-- counted records, whole structure, 2021
SELECT DISTINCT e.id AS key, p.id AS person_id, p.last_name || ' ' || p.first_names AS person_name, e.exited_on AS on_date, g.name || COALESCE(' – ' || e.exit_category, '') AS detail,
                    '' AS reasons
             FROM enrolments e JOIN programmes g ON g.id = e.programme_id JOIN persons p ON p.id = e.person_id WHERE e.structure_id = $1 AND e.exited_on BETWEEN $2 AND $3 AND e.structure_id = $4 ORDER BY person_name, on_date, key
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001)

