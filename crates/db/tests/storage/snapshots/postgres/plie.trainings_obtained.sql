-- plie.trainings_obtained (version 2) on postgres: compiled SQL, checked by tests/storage/snapshots.rs

-- value, 2021
SELECT COUNT(1) FROM steps s WHERE s.structure_id = $1 AND s.end_on BETWEEN $2 AND $3 AND s.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5) AND s.family IN ($6, $7) AND s.validated = $8
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Text("qualifying_training"), Text("certifying_training"), Bool(true)

-- values, 2020 and 2021
SELECT COUNT(CASE WHEN s.end_on BETWEEN $1 AND $2 THEN 1 END), COUNT(CASE WHEN s.end_on BETWEEN $3 AND $4 THEN 1 END) FROM steps s WHERE s.structure_id = $5 AND s.end_on BETWEEN $6 AND $7 AND s.programme_id IN (SELECT id FROM programmes WHERE structure_id = $8 AND code = $9) AND s.family IN ($10, $11) AND s.validated = $12
-- values: Date(2020-01-01), Date(2020-12-31), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Date(2020-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Text("qualifying_training"), Text("certifying_training"), Bool(true)

-- every breakdown, 2021
WITH keyed AS MATERIALIZED (
           SELECT s.enrolment_id AS eid, s.end_on AS on_date, CAST(NULL AS TEXT) AS kind, 1 AS rn
           FROM steps s WHERE s.structure_id = $1 AND s.end_on BETWEEN $2 AND $3 AND s.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5) AND s.family IN ($6, $7) AND s.validated = $8),
         attributed AS MATERIALIZED (
           SELECT k.eid, (SELECT r.user_id FROM enrolment_referents r WHERE r.enrolment_id = k.eid AND r.from_date <= k.on_date
           AND (r.until_date IS NULL OR r.until_date >= k.on_date) ORDER BY r.from_date DESC LIMIT 1) AS referent, k.kind FROM keyed k WHERE k.rn = 1),
         per_pathway AS MATERIALIZED (
           SELECT t.eid, t.referent, t.kind, COUNT(*) AS n FROM attributed t
           GROUP BY t.eid, t.referent, t.kind),
         facts AS MATERIALIZED (
           SELECT x.n, p.commune_code AS d0, NULL AS l0, p.sex AS d1, NULL AS l1, CASE WHEN p.qpv_code IS NULL THEN 'non' ELSE 'oui' END AS d2, NULL AS l2, CASE WHEN (EXTRACT(YEAR FROM e.entered_on) - EXTRACT(YEAR FROM p.birth_date) - CASE WHEN to_char(e.entered_on, 'MM-DD') < to_char(p.birth_date, 'MM-DD') THEN 1 ELSE 0 END) < 26 THEN 'moins-26' WHEN (EXTRACT(YEAR FROM e.entered_on) - EXTRACT(YEAR FROM p.birth_date) - CASE WHEN to_char(e.entered_on, 'MM-DD') < to_char(p.birth_date, 'MM-DD') THEN 1 ELSE 0 END) < 45 THEN '26-44' WHEN (EXTRACT(YEAR FROM e.entered_on) - EXTRACT(YEAR FROM p.birth_date) - CASE WHEN to_char(e.entered_on, 'MM-DD') < to_char(p.birth_date, 'MM-DD') THEN 1 ELSE 0 END) < 50 THEN '45-49' ELSE '50-plus' END AS d3, NULL AS l3, COALESCE((SELECT CASE WHEN sit.receives_rsa THEN 'oui' ELSE 'non' END FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1), 'inconnu') AS d4, NULL AS l4, COALESCE((SELECT CAST(sit.education_level AS TEXT) FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1), 'inconnu') AS d5, NULL AS l5, COALESCE(u.email, 'aucun') AS d6, COALESCE(u.display_name, 'Sans référent') AS l6
           FROM per_pathway x JOIN enrolments e ON e.id = x.eid JOIN persons p ON p.id = e.person_id
             JOIN programmes g ON g.id = e.programme_id LEFT JOIN users u ON u.id = x.referent)
         SELECT CAST(0 AS BIGINT) AS b, d0 AS grp, MIN(l0) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d0 UNION ALL SELECT CAST(1 AS BIGINT) AS b, d1 AS grp, MIN(l1) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d1 UNION ALL SELECT CAST(2 AS BIGINT) AS b, d2 AS grp, MIN(l2) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d2 UNION ALL SELECT CAST(3 AS BIGINT) AS b, d3 AS grp, MIN(l3) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d3 UNION ALL SELECT CAST(4 AS BIGINT) AS b, d4 AS grp, MIN(l4) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d4 UNION ALL SELECT CAST(5 AS BIGINT) AS b, d5 AS grp, MIN(l5) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d5 UNION ALL SELECT CAST(6 AS BIGINT) AS b, d6 AS grp, MIN(l6) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d6
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Text("qualifying_training"), Text("certifying_training"), Bool(true)

-- counted records, whole structure, 2021
SELECT DISTINCT s.id AS key, p.id AS person_id, p.last_name || ' ' || p.first_names AS person_name, s.start_on AS on_date, s.family || ' – ' || s.title AS detail,
                    '' AS reasons
             FROM steps s JOIN enrolments e ON e.id = s.enrolment_id JOIN programmes g ON g.id = e.programme_id
             JOIN persons p ON p.id = e.person_id WHERE s.structure_id = $1 AND s.end_on BETWEEN $2 AND $3 AND s.programme_id IN (SELECT id FROM programmes WHERE structure_id = $4 AND code = $5) AND s.family IN ($6, $7) AND s.validated = $8 AND e.structure_id = $9 ORDER BY person_name, on_date, key
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Text("qualifying_training"), Text("certifying_training"), Bool(true), Uuid(00000000-0000-0000-0000-000000000001)

