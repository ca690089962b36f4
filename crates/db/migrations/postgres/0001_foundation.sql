-- Foundation: structures, staff accounts, sessions, API tokens, territory, person register,
-- dated situations, name-search dictionary and the append-only audit trail.

CREATE TABLE structures (
    id UUID PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL REFERENCES structures(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(email);

CREATE TABLE user_teams (
    structure_id UUID NOT NULL REFERENCES structures(id),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team TEXT NOT NULL,
    PRIMARY KEY (user_id, team)
);

CREATE TABLE sessions (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL REFERENCES structures(id),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX sessions_token ON sessions(token_hash);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL REFERENCES structures(id),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_token ON api_tokens(token_hash);

-- Reference data shared by the structures of one base.
CREATE TABLE communes (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    postal_codes TEXT NOT NULL,
    population BIGINT NOT NULL
);

CREATE TABLE qpvs (
    code TEXT NOT NULL,
    list_version TEXT NOT NULL,
    name TEXT NOT NULL,
    commune_codes TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    PRIMARY KEY (code, list_version)
);

CREATE TABLE persons (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL REFERENCES structures(id),
    version BIGINT NOT NULL,
    last_name TEXT NOT NULL,
    first_names TEXT NOT NULL,
    birth_name TEXT,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    commune_code TEXT NOT NULL REFERENCES communes(code),
    qpv_code TEXT,
    last_name_norm TEXT COLLATE "C" NOT NULL,
    first_names_norm TEXT COLLATE "C" NOT NULL,
    birth_name_norm TEXT COLLATE "C",
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    created_by UUID,
    updated_by UUID
);
CREATE INDEX persons_name ON persons(structure_id, last_name_norm, first_names_norm);
CREATE INDEX persons_birth_date ON persons(structure_id, birth_date);
CREATE INDEX persons_email ON persons(structure_id, email);
CREATE INDEX persons_phone ON persons(structure_id, phone);
CREATE INDEX persons_commune ON persons(structure_id, commune_code);
CREATE INDEX persons_qpv ON persons(structure_id, qpv_code);

-- One row per name word of a person, carrying the person's sort keys so that a search ranks
-- and pages from this table's index alone and reads only the persons it shows.
CREATE TABLE person_name_tokens (
    structure_id UUID NOT NULL,
    token TEXT COLLATE "C" NOT NULL,
    person_id UUID NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    last_name_norm TEXT COLLATE "C" NOT NULL,
    first_names_norm TEXT COLLATE "C" NOT NULL,
    birth_name_norm TEXT COLLATE "C",
    PRIMARY KEY (structure_id, token, person_id) INCLUDE (last_name_norm, first_names_norm, birth_name_norm)
);
CREATE INDEX person_name_tokens_person ON person_name_tokens(person_id, token);

CREATE TABLE name_token_variants (
    structure_id UUID NOT NULL,
    variant TEXT COLLATE "C" NOT NULL,
    token TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (structure_id, variant, token)
);

CREATE TABLE person_situations (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL REFERENCES structures(id),
    person_id UUID NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    observed_on DATE NOT NULL,
    labour_status TEXT NOT NULL,
    jobseeker_since DATE,
    receives_rsa BOOLEAN NOT NULL,
    receives_ass BOOLEAN NOT NULL,
    receives_aah BOOLEAN NOT NULL,
    education_level SMALLINT,
    in_education_or_training BOOLEAN NOT NULL,
    jobless_household BOOLEAN NOT NULL,
    dependent_children BOOLEAN NOT NULL,
    single_parent BOOLEAN NOT NULL,
    homeless BOOLEAN NOT NULL,
    rqth TEXT,
    foreign_background TEXT,
    justice_supervision TEXT,
    health_notes TEXT,
    recorded_by UUID,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_situations_person ON person_situations(person_id, observed_on);

CREATE TABLE audit_log (
    id UUID PRIMARY KEY NOT NULL,
    structure_id UUID NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    user_id UUID,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id UUID NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(structure_id, at);
CREATE INDEX audit_log_entity ON audit_log(entity_id, at);
CREATE INDEX audit_log_user ON audit_log(user_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
