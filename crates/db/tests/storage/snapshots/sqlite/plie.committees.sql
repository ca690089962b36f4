-- plie.committees (version 1) on sqlite: compiled SQL, checked by tests/storage/snapshots.rs

-- value, 2021
SELECT COUNT(1) FROM committee_meetings m WHERE m.structure_id = $1 AND m.held_on BETWEEN $2 AND $3 AND m.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5)
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- values, 2020 and 2021
SELECT COUNT(CASE WHEN m.held_on BETWEEN $1 AND $2 THEN 1 END), COUNT(CASE WHEN m.held_on BETWEEN $3 AND $4 THEN 1 END) FROM committee_meetings m WHERE m.structure_id = $5 AND m.held_on BETWEEN $6 AND $7 AND m.programme_id IN (SELECT id FROM programmes WHERE structure_id = $8 AND code = $9)
-- values: Date(2020-01-01), Date(2020-12-31), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Date(2020-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- every breakdown, 2021
-- none: plie.committees ne se décompose pas

-- counted records, whole structure, 2021
SELECT DISTINCT m.id AS key, NULL AS person_id, NULL AS person_name, m.held_on AS on_date, g.name AS detail,
                    '' AS reasons
             FROM committee_meetings m JOIN programmes g ON g.id = m.programme_id WHERE m.structure_id = $1 AND m.held_on BETWEEN $2 AND $3 AND m.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5) AND m.structure_id = $6 ORDER BY person_name, on_date, key
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Uuid(00000000-0000-0000-0000-000000000001)

