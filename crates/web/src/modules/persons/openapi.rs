//! The persons API in the OpenAPI document: its paths and schemas.

use passerelle_domain::persons::Sex;
use serde_json::{Value, json};

use crate::api::openapi::{
    ApiDoc, body, date, err, nullable, ok, responses, schema_ref, uuid, write_responses,
};

/// The codes of `Sex`, as the API reads and writes them.
fn sexes() -> Value {
    Sex::ALL.iter().map(|s| s.code()).collect()
}

pub fn api_doc() -> ApiDoc {
    let person_input = json!({
        "type": "object",
        "required": ["last_name", "first_names", "birth_date", "sex", "commune_code"],
        "properties": {
            "last_name": {"type": "string", "maxLength": 100},
            "first_names": {"type": "string", "maxLength": 100},
            "birth_name": {"type": "string", "maxLength": 100},
            "birth_date": {"type": "string", "description": "AAAA-MM-JJ ou JJ/MM/AAAA"},
            "sex": {"type": "string", "enum": sexes()},
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
            "sex": {"type": "string", "enum": sexes()},
            "phone": nullable("string"), "email": nullable("string"), "address": nullable("string"),
            "commune_code": {"type": "string"}, "qpv_code": nullable("string"),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"}
        }
    });
    let id_param = json!({"name": "id", "in": "path", "required": true, "schema": uuid()});
    ApiDoc {
        schemas: json!({
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
        }),
        paths: json!({
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
        }),
    }
}
