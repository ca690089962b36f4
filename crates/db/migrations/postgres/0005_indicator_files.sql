-- A structure's own indicator definitions: files in the same format as the shipped ones,
-- edited in the interface or imported from the command line. They add indicators or override
-- shipped ones for that structure only.
CREATE TABLE indicator_files (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL REFERENCES structures(id),
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_by UUID,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX indicator_files_name ON indicator_files(structure_id, name);
