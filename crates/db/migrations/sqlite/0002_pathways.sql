-- Pathways: programmes as data, enrolments from referral to follow-up with their transition
-- log, referents over time, access committees, roadmap, steps, employment contracts.

CREATE TABLE programmes (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    team TEXT NOT NULL,
    -- Eligibility (towns with dates, ages) as JSON: settings of the territory, edited as data.
    eligibility TEXT NOT NULL,
    -- The exit reasons this programme uses (its exit typology), space-separated codes.
    exit_reasons TEXT NOT NULL DEFAULT '',
    max_duration_months INTEGER,
    alert_months INTEGER NOT NULL DEFAULT 3,
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX programmes_code ON programmes(structure_id, code);

CREATE TABLE enrolments (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    programme_id BLOB NOT NULL REFERENCES programmes(id),
    prescriber_organisation TEXT NOT NULL,
    prescriber_name TEXT,
    referred_on TEXT NOT NULL,
    referral_reason TEXT NOT NULL,
    entered_on TEXT,
    exited_on TEXT,
    exit_reason TEXT,
    exit_category TEXT,
    exit_proof TEXT,
    exit_explanation TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX enrolments_person ON enrolments(person_id);
CREATE INDEX enrolments_programme ON enrolments(structure_id, programme_id, entered_on);

-- The state machine's log: the status of an enrolment is its last row.
CREATE TABLE enrolment_transitions (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    event TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    note TEXT,
    user_id BLOB,
    at TEXT NOT NULL
);
CREATE INDEX enrolment_transitions_enrolment ON enrolment_transitions(enrolment_id, at);

CREATE TABLE enrolment_referents (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    from_date TEXT NOT NULL,
    until_date TEXT
);
-- Exactly one active referent per enrolment, enforced by the database.
CREATE UNIQUE INDEX enrolment_referents_one_active ON enrolment_referents(enrolment_id) WHERE until_date IS NULL;
CREATE INDEX enrolment_referents_user ON enrolment_referents(user_id) WHERE until_date IS NULL;

CREATE TABLE committee_meetings (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    programme_id BLOB NOT NULL REFERENCES programmes(id),
    held_on TEXT NOT NULL,
    notes TEXT
);

CREATE TABLE committee_decisions (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    meeting_id BLOB NOT NULL REFERENCES committee_meetings(id),
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    kind TEXT NOT NULL,
    admitted INTEGER NOT NULL,
    reason TEXT NOT NULL,
    eligibility_override TEXT
);
CREATE UNIQUE INDEX committee_decisions_once ON committee_decisions(meeting_id, enrolment_id, kind);

CREATE TABLE objectives (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    theme TEXT NOT NULL,
    objective TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    created_on TEXT NOT NULL
);

CREATE TABLE steps (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    family TEXT NOT NULL,
    title TEXT NOT NULL,
    provider TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT,
    qualifying INTEGER NOT NULL DEFAULT 0,
    validated INTEGER,
    outcome TEXT
);
CREATE INDEX steps_enrolment ON steps(enrolment_id, start_on);

CREATE TABLE employment_contracts (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    employer TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    weekly_hours REAL NOT NULL,
    trial_period_validated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX employment_contracts_person ON employment_contracts(person_id, start_on);

CREATE TABLE follow_ups (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    due_on TEXT NOT NULL,
    done_on TEXT,
    situation TEXT
);
CREATE INDEX follow_ups_due ON follow_ups(structure_id, due_on) WHERE done_on IS NULL;

-- Eligibility diagnosis: dated criteria, each with its proof and its author.
CREATE TABLE diagnosis_criteria (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    enrolment_id BLOB NOT NULL REFERENCES enrolments(id),
    criterion TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    proof TEXT NOT NULL,
    author_id BLOB,
    recorded_at TEXT NOT NULL
);
CREATE INDEX diagnosis_criteria_enrolment ON diagnosis_criteria(enrolment_id, observed_on);

-- Appointments (rendez-vous) with a person, here those of a pathway: the caseload's
-- "no contact for 30 days" alert reads the latest one held.
CREATE TABLE appointments (
    id BLOB PRIMARY KEY NOT NULL,
    structure_id BLOB NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons(id),
    enrolment_id BLOB REFERENCES enrolments(id),
    user_id BLOB,
    held_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    attended INTEGER NOT NULL,
    note TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX appointments_enrolment ON appointments(enrolment_id, held_on);
CREATE INDEX appointments_person ON appointments(person_id, held_on);
