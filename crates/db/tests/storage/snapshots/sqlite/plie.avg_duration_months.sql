-- plie.avg_duration_months (version 2) on sqlite: compiled SQL, checked by tests/storage/snapshots.rs

-- value, 2021
SELECT CAST(AVG(((julianday(e.exited_on) - julianday(e.entered_on)) / 30.4375)) AS REAL) FROM enrolments e WHERE e.structure_id = $1 AND e.exited_on BETWEEN $2 AND $3 AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5)
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- values, 2020 and 2021
SELECT CAST(AVG(CASE WHEN e.exited_on BETWEEN $1 AND $2 THEN ((julianday(e.exited_on) - julianday(e.entered_on)) / 30.4375) END) AS REAL), CAST(AVG(CASE WHEN e.exited_on BETWEEN $3 AND $4 THEN ((julianday(e.exited_on) - julianday(e.entered_on)) / 30.4375) END) AS REAL) FROM enrolments e WHERE e.structure_id = $5 AND e.exited_on BETWEEN $6 AND $7 AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $8 AND code = $9)
-- values: Date(2020-01-01), Date(2020-12-31), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Date(2020-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- every breakdown, 2021
-- none: plie.avg_duration_months ne se décompose pas

-- counted records, whole structure, 2021
SELECT DISTINCT e.id AS key, p.id AS person_id, p.last_name || ' ' || p.first_names AS person_name, e.exited_on AS on_date, g.name || COALESCE(' – ' || e.exit_category, '') || ' – ' || REPLACE(printf('%.1f', ((julianday(e.exited_on) - julianday(e.entered_on)) / 30.4375)), '.', ',') || ' mois' AS detail,
                    '' AS reasons
             FROM enrolments e JOIN programmes g ON g.id = e.programme_id JOIN persons p ON p.id = e.person_id WHERE e.structure_id = $1 AND e.exited_on BETWEEN $2 AND $3 AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5) AND e.structure_id = $6 ORDER BY person_name, on_date, key
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Uuid(00000000-0000-0000-0000-000000000001)

