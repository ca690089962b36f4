-- plie.contracts (version 1) on sqlite: compiled SQL, checked by tests/storage/snapshots.rs

-- value, 2021
SELECT COUNT(DISTINCT c.id) FROM employment_contracts c JOIN enrolments e ON e.person_id = c.person_id
           AND e.entered_on IS NOT NULL AND c.start_on >= e.entered_on
           AND (e.exited_on IS NULL OR c.start_on <= e.exited_on) WHERE e.structure_id = $1 AND c.start_on BETWEEN $2 AND $3 AND e.entered_on <= $4 AND (e.exited_on IS NULL OR e.exited_on >= $5) AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $6 AND code = $7)
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Date(2021-12-31), Date(2021-01-01), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- values, 2020 and 2021
SELECT COUNT(DISTINCT CASE WHEN c.start_on BETWEEN $1 AND $2 AND e.entered_on <= $3 AND (e.exited_on IS NULL OR e.exited_on >= $4) THEN c.id END), COUNT(DISTINCT CASE WHEN c.start_on BETWEEN $5 AND $6 AND e.entered_on <= $7 AND (e.exited_on IS NULL OR e.exited_on >= $8) THEN c.id END) FROM employment_contracts c JOIN enrolments e ON e.person_id = c.person_id
           AND e.entered_on IS NOT NULL AND c.start_on >= e.entered_on
           AND (e.exited_on IS NULL OR c.start_on <= e.exited_on) WHERE e.structure_id = $9 AND c.start_on BETWEEN $10 AND $11 AND e.entered_on <= $12 AND (e.exited_on IS NULL OR e.exited_on >= $13) AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $14 AND code = $15)
-- values: Date(2020-01-01), Date(2020-12-31), Date(2020-12-31), Date(2020-01-01), Date(2021-01-01), Date(2021-12-31), Date(2021-12-31), Date(2021-01-01), Uuid(00000000-0000-0000-0000-000000000001), Date(2020-01-01), Date(2021-12-31), Date(2021-12-31), Date(2020-01-01), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- every breakdown, 2021
WITH keyed AS MATERIALIZED (
           SELECT e.id AS eid, c.start_on AS on_date, c.kind AS kind, ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY e.entered_on, e.id) AS rn
           FROM employment_contracts c JOIN enrolments e ON e.person_id = c.person_id
           AND e.entered_on IS NOT NULL AND c.start_on >= e.entered_on
           AND (e.exited_on IS NULL OR c.start_on <= e.exited_on) WHERE e.structure_id = $1 AND c.start_on BETWEEN $2 AND $3 AND e.entered_on <= $4 AND (e.exited_on IS NULL OR e.exited_on >= $5) AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $6 AND code = $7)),
         attributed AS MATERIALIZED (
           SELECT k.eid, (SELECT r.user_id FROM enrolment_referents r WHERE r.enrolment_id = k.eid AND r.from_date <= k.on_date
           AND (r.until_date IS NULL OR r.until_date >= k.on_date) ORDER BY r.from_date DESC LIMIT 1) AS referent, k.kind FROM keyed k WHERE k.rn = 1),
         per_pathway AS MATERIALIZED (
           SELECT t.eid, t.referent, t.kind, COUNT(*) AS n FROM attributed t
           GROUP BY t.eid, t.referent, t.kind),
         facts AS MATERIALIZED (
           SELECT x.n, x.kind AS d0, NULL AS l0, p.commune_code AS d1, NULL AS l1, p.sex AS d2, NULL AS l2, CASE WHEN p.qpv_code IS NULL THEN 'non' ELSE 'oui' END AS d3, NULL AS l3, CASE WHEN (CAST(strftime('%Y', e.entered_on) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER) - CASE WHEN strftime('%m-%d', e.entered_on) < strftime('%m-%d', p.birth_date) THEN 1 ELSE 0 END) < 26 THEN 'moins-26' WHEN (CAST(strftime('%Y', e.entered_on) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER) - CASE WHEN strftime('%m-%d', e.entered_on) < strftime('%m-%d', p.birth_date) THEN 1 ELSE 0 END) < 45 THEN '26-44' WHEN (CAST(strftime('%Y', e.entered_on) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER) - CASE WHEN strftime('%m-%d', e.entered_on) < strftime('%m-%d', p.birth_date) THEN 1 ELSE 0 END) < 50 THEN '45-49' ELSE '50-plus' END AS d4, NULL AS l4, COALESCE((SELECT CASE WHEN sit.receives_rsa THEN 'oui' ELSE 'non' END FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1), 'inconnu') AS d5, NULL AS l5, COALESCE((SELECT CAST(sit.education_level AS TEXT) FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1), 'inconnu') AS d6, NULL AS l6, COALESCE(u.email, 'aucun') AS d7, COALESCE(u.display_name, 'Sans référent') AS l7
           FROM per_pathway x JOIN enrolments e ON e.id = x.eid JOIN persons p ON p.id = e.person_id
             JOIN programmes g ON g.id = e.programme_id LEFT JOIN users u ON u.id = x.referent)
         SELECT CAST(0 AS BIGINT) AS b, d0 AS grp, MIN(l0) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d0 UNION ALL SELECT CAST(1 AS BIGINT) AS b, d1 AS grp, MIN(l1) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d1 UNION ALL SELECT CAST(2 AS BIGINT) AS b, d2 AS grp, MIN(l2) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d2 UNION ALL SELECT CAST(3 AS BIGINT) AS b, d3 AS grp, MIN(l3) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d3 UNION ALL SELECT CAST(4 AS BIGINT) AS b, d4 AS grp, MIN(l4) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d4 UNION ALL SELECT CAST(5 AS BIGINT) AS b, d5 AS grp, MIN(l5) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d5 UNION ALL SELECT CAST(6 AS BIGINT) AS b, d6 AS grp, MIN(l6) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d6 UNION ALL SELECT CAST(7 AS BIGINT) AS b, d7 AS grp, MIN(l7) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d7
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Date(2021-12-31), Date(2021-01-01), Uuid(00000000-0000-0000-0000-000000000001), Text("plie")

-- counted records, whole structure, 2021
SELECT DISTINCT c.id AS key, p.id AS person_id, p.last_name || ' ' || p.first_names AS person_name, c.start_on AS on_date, c.kind || ' – ' || c.employer AS detail,
                    '' AS reasons
             FROM employment_contracts c JOIN enrolments e ON e.person_id = c.person_id
           AND e.entered_on IS NOT NULL AND c.start_on >= e.entered_on
           AND (e.exited_on IS NULL OR c.start_on <= e.exited_on) JOIN programmes g ON g.id = e.programme_id JOIN persons p ON p.id = c.person_id WHERE e.structure_id = $1 AND c.start_on BETWEEN $2 AND $3 AND e.entered_on <= $4 AND (e.exited_on IS NULL OR e.exited_on >= $5) AND e.programme_id IN (SELECT id FROM programmes WHERE structure_id = $6 AND code = $7) AND e.structure_id = $8 ORDER BY person_name, on_date, key
-- values: Uuid(00000000-0000-0000-0000-000000000001), Date(2021-01-01), Date(2021-12-31), Date(2021-12-31), Date(2021-01-01), Uuid(00000000-0000-0000-0000-000000000001), Text("plie"), Uuid(00000000-0000-0000-0000-000000000001)

