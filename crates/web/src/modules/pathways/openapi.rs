//! The pathways API in the OpenAPI document: its paths, schemas and request bodies.

use passerelle_domain::pathways::workflow::PathwayState;
use serde_json::{Value, json};

use crate::api::openapi::{
    ApiDoc, body, date, err, nullable, nullable_date, ok, responses, schema_ref, uuid,
    write_responses,
};

/// The request bodies of the write operations.
fn bodies() -> Value {
    let text = |max: u32| json!({"type": "string", "minLength": 1, "maxLength": max});
    let opt_text = |max: u32| json!({"type": ["string", "null"], "maxLength": max});
    json!({
        "referral": {"type": "object",
            "required": ["person_id", "programme_id", "prescriber_organisation", "referred_on", "reason"],
            "properties": {"person_id": uuid(), "programme_id": uuid(),
                "prescriber_organisation": text(200), "prescriber_name": opt_text(200),
                "referred_on": date(), "reason": text(2000)}},
        "transition": {"type": "object", "required": ["event", "on"],
            "properties": {"event": {"type": "string", "enum": ["propose_to_committee", "exit", "record_follow_up"]},
                "on": date(), "note": opt_text(1000), "exit_reason": {"type": ["string", "null"]}, "proof": opt_text(300)}},
        "step": {"type": "object", "required": ["family", "title", "start_on"],
            "properties": {"family": {"type": "string"}, "title": text(200), "provider": opt_text(200),
                "start_on": date(), "end_on": nullable_date(), "qualifying": {"type": "boolean"}, "validated": nullable("boolean")}},
        "contract": {"type": "object", "required": ["kind", "employer", "start_on", "weekly_hours"],
            "properties": {"kind": {"type": "string"}, "employer": text(200), "start_on": date(), "end_on": nullable_date(),
                "weekly_hours": {"type": "number", "minimum": 0, "maximum": 48}, "trial_period_validated": {"type": "boolean"}}},
        "meeting": {"type": "object", "required": ["programme_id", "held_on"],
            "properties": {"programme_id": uuid(), "held_on": date(), "notes": opt_text(2000)}},
        "decision": {"type": "object", "required": ["enrolment_id", "admitted", "reason"],
            "properties": {"enrolment_id": uuid(), "admitted": {"type": "boolean"}, "reason": text(1000),
                "eligibility_override": opt_text(1000)}}
    })
}

/// A list of codes as a JSON `enum`, from the domain's values (never typed here by hand).
fn codes(all: impl Iterator<Item = &'static str>) -> Value {
    all.collect()
}

pub fn api_doc() -> ApiDoc {
    let enrolment = json!({
        "type": "object",
        "required": ["id", "person_id", "programme_id", "state", "prescriber_organisation", "referred_on", "referral_reason", "version"],
        "properties": {
            "id": uuid(), "person_id": uuid(), "programme_id": uuid(),
            "state": {"type": "string", "enum": codes(PathwayState::ALL.iter().map(|s| s.code()))},
            "prescriber_organisation": {"type": "string"}, "prescriber_name": nullable("string"),
            "referred_on": date(), "referral_reason": {"type": "string"},
            "entered_on": nullable_date(), "exited_on": nullable_date(),
            "exit_reason": nullable("string"), "exit_category": nullable("string"),
            "version": {"type": "integer"}
        }
    });
    let detail = json!({"allOf": [schema_ref("Enrolment"), {"type": "object",
    "required": ["log", "steps", "referents", "proposed_exit"],
    "properties": {
        "log": {"type": "array", "items": {"type": "object", "required": ["event", "from", "to", "on"], "properties": {
            "event": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}, "on": date(),
            "note": nullable("string"), "by": nullable("string")}}},
        "steps": {"type": "array", "items": {"type": "object", "required": ["id", "family", "title", "start_on"], "properties": {
            "id": uuid(), "family": {"type": "string"}, "title": {"type": "string"}, "provider": nullable("string"),
            "start_on": date(), "end_on": nullable_date(), "validated": nullable("boolean")}}},
        "referents": {"type": "array", "items": {"type": "object", "required": ["user_id", "name", "from"], "properties": {
            "user_id": uuid(), "name": {"type": "string"}, "from": date(), "until": nullable_date()}}},
        "proposed_exit": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["on", "reason", "category", "why"], "properties": {
            "on": date(), "reason": {"type": "string"}, "category": {"type": "string"}, "why": {"type": "string"}}}]}
    }}]});
    let programme = json!({
        "type": "object",
        "required": ["id", "code", "name", "team", "eligibility", "alert_months", "transition_window_months", "active"],
        "properties": {
            "id": uuid(), "code": {"type": "string"}, "name": {"type": "string"}, "team": {"type": "string"},
            "eligibility": {"type": "object", "properties": {
                "towns": {"type": "array", "items": {"type": "object", "required": ["commune_code", "from"], "properties": {
                    "commune_code": {"type": "string"}, "from": date(), "until": nullable_date()}}},
                "min_age": nullable("integer"), "max_age": nullable("integer"),
                "situation_any": {"type": "array", "items": {"type": "string"}}}},
            "max_duration_months": nullable("integer"), "alert_months": {"type": "integer"},
            "transition_window_months": {"type": "integer", "description": "Un emploi terminé au plus tant de mois avant la sortie la classe en emploi de transition"},
            "active": {"type": "boolean"}
        }
    });
    let b = bodies();
    let id_param = json!({"name": "id", "in": "path", "required": true, "schema": uuid()});
    ApiDoc {
        schemas: json!({
            "Enrolment": enrolment,
            "EnrolmentDetail": detail,
            "Programme": programme,
            "Created": {"type": "object", "required": ["id"], "properties": {"id": uuid()}},
            "Meeting": {"type": "object", "required": ["id", "programme_id", "held_on"], "properties": {
                "id": uuid(), "programme_id": uuid(), "held_on": date()}}
        }),
        paths: json!({
            "/programmes": {"get": {"summary": "Dispositifs (critères, durées)",
                "responses": responses(json!({"200": ok("Liste", json!({"type": "array", "items": schema_ref("Programme")}))}))}},
            "/persons/{id}/enrolments": {"get": {"summary": "Parcours d'une personne (dans votre périmètre)", "parameters": [id_param.clone()],
                "responses": responses(json!({"200": ok("Liste", json!({"type": "array", "items": schema_ref("Enrolment")})), "404": err("Personne introuvable")}))}},
            "/enrolments": {"post": {"summary": "Orienter une personne vers un dispositif",
                "requestBody": body(b["referral"].clone()),
                "responses": write_responses(json!({"201": ok("Orientation créée", schema_ref("Enrolment")), "404": err("Personne ou dispositif introuvable"), "422": err("Refusée (déjà en parcours, champs manquants ou trop longs)")}))}},
            "/enrolments/{id}": {"get": {"summary": "Un parcours : état, journal, étapes, référents, sortie proposée", "parameters": [id_param.clone(),
                    {"name": "on", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Date de sortie envisagée (AAAA-MM-JJ, pas dans le futur) : la sortie est proposée à cette date ; aujourd'hui par défaut"}],
                "responses": responses(json!({"200": ok("Le parcours", schema_ref("EnrolmentDetail")), "404": err("Introuvable ou hors de votre périmètre"), "422": err("Date de sortie envisagée invalide, avant l'entrée ou dans le futur")}))}},
            "/enrolments/{id}/transitions": {"post": {"summary": "Proposer au comité, sortir (motif, justificatif), suivi à 6 mois", "parameters": [id_param.clone()],
                "requestBody": body(b["transition"].clone()),
                "responses": write_responses(json!({"200": ok("Nouvel état", schema_ref("Enrolment")), "404": err("Introuvable ou hors de votre périmètre"), "409": err("Modifié entre-temps"), "422": err("Transition refusée, avec la raison")}))}},
            "/enrolments/{id}/steps": {"post": {"summary": "Ajouter une étape (dans les dates du parcours)", "parameters": [id_param.clone()],
                "requestBody": body(b["step"].clone()),
                "responses": write_responses(json!({"201": ok("Créée", schema_ref("Created")), "404": err("Introuvable ou hors de votre périmètre"), "422": err("Refusée")}))}},
            "/enrolments/{id}/contracts": {"post": {"summary": "Enregistrer un contrat de travail de la personne", "parameters": [id_param.clone()],
                "requestBody": body(b["contract"].clone()),
                "responses": write_responses(json!({"201": ok("Créé", schema_ref("Created")), "404": err("Introuvable ou hors de votre périmètre"), "422": err("Refusé")}))}},
            "/committees": {"post": {"summary": "Tenir un comité d'accès",
                "requestBody": body(b["meeting"].clone()),
                "responses": write_responses(json!({"201": ok("Créé", schema_ref("Meeting")), "404": err("Dispositif introuvable"), "422": err("Refusé")}))}},
            "/committees/{id}/decisions": {"post": {"summary": "Décision du comité : entrée (à la date du comité) ou non-entrée", "parameters": [id_param],
                "requestBody": body(b["decision"].clone()),
                "responses": write_responses(json!({"200": ok("Nouvel état du parcours", schema_ref("Enrolment")), "404": err("Comité ou parcours introuvable"), "409": err("Modifié entre-temps"), "422": err("Refusée (éligibilité, motif manquant)")}))}}
        }),
    }
}
