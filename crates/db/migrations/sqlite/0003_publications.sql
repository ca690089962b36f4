-- Published reports: frozen figures, the definition versions that produced them, the data
-- cut-off and who published, with the records each count included (to list what moved).
CREATE TABLE published_reports (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    year INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    published_by BLOB,
    content TEXT NOT NULL,
    record_keys TEXT NOT NULL
);
CREATE INDEX published_reports_year ON published_reports(structure_id, year, published_at);
