//! The OpenAPI 3.1 document of `/api/v1`, written by hand: the API is small. A unit test
//! checks that every API route of the router is documented here, and the integration test
//! `openapi_conformance` validates real answers of every route against these schemas.

use axum::Json;
use serde_json::{Value, json};

/// A JSON type that may be `null` (OpenAPI 3.1: a type list).
fn nullable(ty: &str) -> Value {
    json!({"type": [ty, "null"]})
}

fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

fn nullable_date() -> Value {
    json!({"type": ["string", "null"], "format": "date"})
}

fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A JSON answer of the given schema.
fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn err(description: &str) -> Value {
    ok(description, schema_ref("Error"))
}

fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// The answers every operation may give, with its own added: 400 (malformed parameter or
/// body), 401 (no valid token), 403 (role), 422 (a control character in the address or a
/// parameter: the input policy); writes add 413 (body too large) and 415 (not JSON).
fn responses(own: Value) -> Value {
    let mut r = json!({
        "400": err("Paramètre ou corps mal formé (identifiant, nombre, JSON)"),
        "401": err("Jeton absent ou invalide"),
        "403": err("Votre rôle ne permet pas cette action"),
        "422": err("Valeur refusée : caractère de contrôle, filtre inconnu, champ invalide"),
    });
    if let (Some(r), Value::Object(own)) = (r.as_object_mut(), own) {
        r.extend(own);
    }
    r
}

fn write_responses(own: Value) -> Value {
    let mut r = responses(own);
    if let Some(m) = r.as_object_mut() {
        m.insert("413".into(), err("Corps trop volumineux"));
        m.insert(
            "415".into(),
            err("Le corps doit être du JSON (Content-Type: application/json)"),
        );
        m.entry("422")
            .or_insert_with(|| err("Champs invalides ou règle refusée, avec la raison"));
    }
    r
}

/// Every schema of the document, by name.
fn schemas() -> Value {
    merged([
        person_schemas(),
        pathway_schemas(),
        json!({"Report": report_schema()}),
        common_schemas(),
    ])
}

/// The objects of `parts`, as one object.
fn merged<const N: usize>(parts: [Value; N]) -> Value {
    let mut all = serde_json::Map::new();
    for part in parts {
        if let Value::Object(m) = part {
            all.extend(m);
        }
    }
    Value::Object(all)
}

fn person_schemas() -> Value {
    let person_input = json!({
        "type": "object",
        "required": ["last_name", "first_names", "birth_date", "sex", "commune_code"],
        "properties": {
            "last_name": {"type": "string", "maxLength": 100},
            "first_names": {"type": "string", "maxLength": 100},
            "birth_name": {"type": "string", "maxLength": 100},
            "birth_date": {"type": "string", "description": "AAAA-MM-JJ ou JJ/MM/AAAA"},
            "sex": {"type": "string", "enum": ["F", "M", "X"]},
            "phone": {"type": "string"},
            "email": {"type": "string", "maxLength": 254},
            "address": {"type": "string", "maxLength": 300},
            "commune_code": {"type": "string", "description": "Code INSEE de la commune"},
            "qpv_code": {"type": "string", "description": "Code du quartier prioritaire, vide si hors QPV"}
        }
    });
    let person = json!({
        "type": "object",
        "required": ["id", "version", "last_name", "first_names", "birth_date", "sex", "commune_code", "created_at", "updated_at"],
        "properties": {
            "id": uuid(), "version": {"type": "integer"},
            "last_name": {"type": "string"}, "first_names": {"type": "string"},
            "birth_name": nullable("string"), "birth_date": date(),
            "sex": {"type": "string", "enum": ["F", "M", "X"]},
            "phone": nullable("string"), "email": nullable("string"), "address": nullable("string"),
            "commune_code": {"type": "string"}, "qpv_code": nullable("string"),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"}
        }
    });
    json!({
        "PersonInput": person_input,
        "Person": person,
        "PersonList": {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
            "items": {"type": "array", "items": schema_ref("Person")},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}
        }},
        "Duplicates": {"type": "object", "required": ["error", "duplicates"], "properties": {
            "error": {"type": "string"}, "duplicates": {"type": "array", "items": schema_ref("Person")}}},
        "StaleVersion": {"type": "object", "required": ["error", "current"], "properties": {
            "error": {"type": "string"}, "current": schema_ref("Person")}}
    })
}

fn pathway_schemas() -> Value {
    let enrolment = json!({
        "type": "object",
        "required": ["id", "person_id", "programme_id", "state", "prescriber_organisation", "referred_on", "referral_reason", "version"],
        "properties": {
            "id": uuid(), "person_id": uuid(), "programme_id": uuid(),
            "state": {"type": "string", "enum": ["referred", "proposed_to_committee", "entered", "refused", "exited", "followed_up"]},
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
    json!({
        "Enrolment": enrolment,
        "EnrolmentDetail": detail,
        "Programme": programme,
        "Meeting": {"type": "object", "required": ["id", "programme_id", "held_on"], "properties": {
            "id": uuid(), "programme_id": uuid(), "held_on": date()}}
    })
}

fn report_schema() -> Value {
    let figure_value = json!({"type": ["number", "null"]});
    json!({
        "type": "object",
        "required": ["figures", "set_aside"],
        "properties": {
            "year": {"type": "integer"},
            "figures": {"type": "array", "items": {"type": "object", "required": ["id", "title"], "properties": {
                "id": {"type": "string"}, "title": {"type": "string"}, "value": figure_value, "previous": figure_value,
                "unit": {"type": "string"}, "version": {"type": "integer"}, "definition": {"type": "string"},
                "breakdowns": {"type": "array", "items": {"type": "object", "required": ["dimension", "cells"], "properties": {
                    "dimension": {"type": "string"}, "label": {"type": "string"},
                    "cells": {"type": "array", "items": {"type": "object", "required": ["key"], "properties": {
                        "key": {"type": "string"}, "label": {"type": "string"}, "value": figure_value, "hidden": {"type": "boolean"}}}}}}}}}},
            "set_aside": {"type": "array", "items": {"type": "object", "properties": {"file": {"type": "string"}, "message": {"type": "string"}}}}
        }
    })
}

/// What several operations answer: a new record's id, and every error.
fn common_schemas() -> Value {
    json!({
        "Created": {"type": "object", "required": ["id"], "properties": {"id": uuid()}},
        "Error": {
            "type": "object",
            "required": ["error", "fields"],
            "properties": {
                "error": {"type": "string", "description": "Le problème, en français"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Champ → message, en français"}
            }
        }
    })
}

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

pub fn spec() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Passerelle API", "version": "1", "description": "Registre des personnes et parcours. Authentification : en-tête Authorization: Bearer <jeton> ; un jeton agit au nom du compte qui le possède, avec ses seuls droits (créé sur le serveur : passerelle token create). Chaque lecture de fiche et chaque modification est tracée au journal d'audit. Toute erreur répond en JSON {error, fields}, en français ; les dates sont au format AAAA-MM-JJ."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": merged([person_paths(), report_paths(), pathway_paths()]),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas()
        }
    })
}

/// The `{id}` path parameter.
fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": uuid()})
}

fn person_paths() -> Value {
    let id_param = id_param();
    json!({
    "/persons": {
        "get": {
            "summary": "Rechercher des personnes",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}, "description": "Nom ou prénom ; accents, casse et une faute de frappe tolérés"},
                {"name": "commune", "in": "query", "schema": {"type": "string"}, "description": "Code INSEE d'une commune du territoire"},
                {"name": "qpv", "in": "query", "schema": {"type": "string"}, "description": "oui, non, ou un code QPV"},
                {"name": "age_band", "in": "query", "schema": {"type": "string", "enum": ["moins-26", "26-44", "45-49", "50-plus"]}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100_000}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
            ],
            "responses": responses(json!({"200": ok("Une page de personnes", schema_ref("PersonList")), "422": err("Filtre inconnu, avec les valeurs permises")}))
        },
        "post": {
            "summary": "Inscrire une personne",
            "parameters": [{"name": "allow_duplicate", "in": "query", "schema": {"type": "boolean"}}],
            "requestBody": body(schema_ref("PersonInput")),
            "responses": write_responses(json!({"201": ok("Créée", schema_ref("Person")), "409": ok("Ressemble à une fiche existante", schema_ref("Duplicates")), "422": err("Champs invalides")}))
        }
    },
    "/persons/{id}": {
        "get": {
            "summary": "Lire une fiche (consultation tracée)",
            "parameters": [id_param.clone()],
            "responses": responses(json!({"200": ok("La fiche", schema_ref("Person")), "404": err("Introuvable")}))
        },
        "put": {
            "summary": "Modifier une fiche",
            "parameters": [id_param.clone()],
            "requestBody": body(json!({"allOf": [schema_ref("PersonInput"), {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}]})),
            "responses": write_responses(json!({"200": ok("Modifiée", schema_ref("Person")), "404": err("Introuvable"), "409": ok("Modifiée entre-temps : la réponse contient la version actuelle", schema_ref("StaleVersion")), "422": err("Champs invalides")}))
        }
    }
    })
}

fn report_paths() -> Value {
    json!({
    "/reports/{year}": {"get": {"summary": "Chiffres du rapport d'activité de l'année, avec l'année précédente et les répartitions (jamais de noms)",
        "parameters": [{"name": "year", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
            {"name": "public", "in": "query", "schema": {"type": "boolean"}, "description": "Export public : petits effectifs masqués (secret statistique)"},
            {"name": "threshold", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 5}}],
        "responses": responses(json!({"200": ok("Chaque chiffre : id, value, previous, unit, version, definition, breakdowns ; set_aside : indicateurs de la structure écartés et pourquoi", schema_ref("Report")),
            "404": err("Année hors de 2000 à 2100"), "422": err("Seuil invalide")}))}}
    })
}

fn pathway_paths() -> Value {
    let b = bodies();
    let id_param = id_param();
    json!({
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
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
