-- Foundation: structures, staff accounts, sessions, API tokens, territory, person register,
-- dated situations, name-search dictionary and the append-only audit trail.

CREATE TABLE structures (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(email);

CREATE TABLE user_teams (
    structure_id BLOB NOT NULL REFERENCES structures(id),
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team TEXT NOT NULL,
    PRIMARY KEY (user_id, team)
);

CREATE TABLE sessions (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX sessions_token ON sessions(token_hash);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_token ON api_tokens(token_hash);

-- Reference data shared by the structures of one base.
CREATE TABLE communes (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    postal_codes TEXT NOT NULL,
    population INTEGER NOT NULL
);

CREATE TABLE qpvs (
    code TEXT NOT NULL,
    list_version TEXT NOT NULL,
    name TEXT NOT NULL,
    commune_codes TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    PRIMARY KEY (code, list_version)
);

CREATE TABLE persons (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    version INTEGER NOT NULL,
    last_name TEXT NOT NULL,
    first_names TEXT NOT NULL,
    birth_name TEXT,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    commune_code TEXT NOT NULL REFERENCES communes(code),
    qpv_code TEXT,
    last_name_norm TEXT NOT NULL,
    first_names_norm TEXT NOT NULL,
    birth_name_norm TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by BLOB,
    updated_by BLOB
);
CREATE INDEX persons_name ON persons(structure_id, last_name_norm, first_names_norm);
CREATE INDEX persons_birth_date ON persons(structure_id, birth_date);
CREATE INDEX persons_email ON persons(structure_id, email);
CREATE INDEX persons_phone ON persons(structure_id, phone);
CREATE INDEX persons_commune ON persons(structure_id, commune_code);
CREATE INDEX persons_qpv ON persons(structure_id, qpv_code);

-- One row per name word of a person, clustered by word, carrying the person's sort keys so
-- that a search ranks and pages from this table alone and reads only the persons it shows.
CREATE TABLE person_name_tokens (
    structure_id BLOB NOT NULL,
    token TEXT NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    last_name_norm TEXT NOT NULL,
    first_names_norm TEXT NOT NULL,
    birth_name_norm TEXT,
    PRIMARY KEY (structure_id, token, person_id)
) WITHOUT ROWID;
CREATE INDEX person_name_tokens_person ON person_name_tokens(person_id, token);

CREATE TABLE name_token_variants (
    structure_id BLOB NOT NULL,
    variant TEXT NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (structure_id, variant, token)
);

CREATE TABLE person_situations (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    person_id BLOB NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    observed_on TEXT NOT NULL,
    labour_status TEXT NOT NULL,
    jobseeker_since TEXT,
    receives_rsa INTEGER NOT NULL,
    receives_ass INTEGER NOT NULL,
    receives_aah INTEGER NOT NULL,
    education_level INTEGER,
    in_education_or_training INTEGER NOT NULL,
    jobless_household INTEGER NOT NULL,
    dependent_children INTEGER NOT NULL,
    single_parent INTEGER NOT NULL,
    homeless INTEGER NOT NULL,
    rqth TEXT,
    foreign_background TEXT,
    justice_supervision TEXT,
    health_notes TEXT,
    recorded_by BLOB,
    recorded_at TEXT NOT NULL
);
CREATE INDEX person_situations_person ON person_situations(person_id, observed_on);

CREATE TABLE audit_log (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    at TEXT NOT NULL,
    user_id BLOB,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(structure_id, at);
CREATE INDEX audit_log_entity ON audit_log(entity_id, at);
CREATE INDEX audit_log_user ON audit_log(user_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
