-- Published reports: frozen figures, the definition versions that produced them, the data
-- cut-off and who published, with the records each count included (to list what moved).
CREATE TABLE published_reports (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL,
    year INTEGER NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    published_by UUID,
    content TEXT NOT NULL,
    record_keys TEXT NOT NULL
);
CREATE INDEX published_reports_year ON published_reports(structure_id, year, published_at);
