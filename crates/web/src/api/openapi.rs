//! The OpenAPI 3.1 document of `/api/v1`, written by hand: the API is small, and a test checks
//! that every API route of the router is documented here.

use axum::Json;
use serde_json::{Value, json};

pub fn spec() -> Value {
    let person_input = json!({
        "type": "object",
        "required": ["last_name", "first_names", "birth_date", "sex", "commune_code"],
        "properties": {
            "last_name": {"type": "string", "maxLength": 100},
            "first_names": {"type": "string", "maxLength": 100},
            "birth_name": {"type": "string", "maxLength": 100},
            "birth_date": {"type": "string", "format": "date", "description": "AAAA-MM-JJ ou JJ/MM/AAAA"},
            "sex": {"type": "string", "enum": ["F", "M", "X"]},
            "phone": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "address": {"type": "string", "maxLength": 300},
            "commune_code": {"type": "string", "description": "Code INSEE de la commune"},
            "qpv_code": {"type": "string", "description": "Code du quartier prioritaire, vide si hors QPV"}
        }
    });
    let errors = json!({
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}
        }
    });
    let id_param = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
    let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Passerelle API", "version": "1", "description": "Registre des personnes. Authentification : en-tête Authorization: Bearer <jeton>, un jeton agit au nom du compte qui le possède, avec ses seuls droits (créé sur le serveur : passerelle token create). Chaque lecture de fiche et chaque modification est tracée au journal d'audit."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/persons": {
                "get": {
                    "summary": "Rechercher des personnes",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Nom ou prénom ; accents, casse et une faute de frappe tolérés"},
                        {"name": "commune", "in": "query", "schema": {"type": "string"}},
                        {"name": "qpv", "in": "query", "schema": {"type": "string"}, "description": "oui, non, ou un code QPV"},
                        {"name": "age_band", "in": "query", "schema": {"type": "string", "enum": ["moins-26", "26-44", "45-49", "50-plus"]}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
                    ],
                    "responses": {"200": {"description": "Une page de personnes", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonList"}}}}, "401": err("Jeton absent ou invalide"), "403": err("Rôle insuffisant")}
                },
                "post": {
                    "summary": "Inscrire une personne",
                    "parameters": [{"name": "allow_duplicate", "in": "query", "schema": {"type": "boolean"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonInput"}}}},
                    "responses": {"201": {"description": "Créée", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}}, "409": err("Ressemble à une fiche existante"), "422": err("Champs invalides")}
                }
            },
            "/reports/{year}": {"get": {"summary": "Chiffres du rapport d'activité de l'année, avec l'année précédente et les répartitions (jamais de noms)",
                "parameters": [{"name": "year", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
                    {"name": "public", "in": "query", "schema": {"type": "boolean"}, "description": "Export public : petits effectifs masqués (secret statistique)"},
                    {"name": "threshold", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 5}}],
                "responses": {"200": {"description": "Chaque chiffre : id, value, previous, unit, version, definition, breakdowns ; set_aside : indicateurs de la structure écartés et pourquoi"},
                    "403": err("Rôle insuffisant"), "422": err("Seuil invalide")}}},
            "/programmes": {"get": {"summary": "Dispositifs (critères, durées)", "responses": {"200": {"description": "Liste"}}}},
            "/persons/{id}/enrolments": {"get": {"summary": "Parcours d'une personne (dans votre périmètre)", "parameters": [id_param.clone()], "responses": {"200": {"description": "Liste"}}}},
            "/enrolments": {"post": {"summary": "Orienter une personne vers un dispositif",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["person_id", "programme_id", "prescriber_organisation", "referred_on", "reason"],
                    "properties": {"person_id": {"type": "string", "format": "uuid"}, "programme_id": {"type": "string", "format": "uuid"},
                        "prescriber_organisation": {"type": "string"}, "prescriber_name": {"type": "string"},
                        "referred_on": {"type": "string", "format": "date"}, "reason": {"type": "string"}}}}}},
                "responses": {"201": {"description": "Orientation créée"}, "422": err("Refusée (déjà en parcours, champs manquants)")}}},
            "/enrolments/{id}": {"get": {"summary": "Un parcours : état, journal, étapes, référents, sortie proposée", "parameters": [id_param.clone(),
                    {"name": "on", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Date de sortie envisagée (AAAA-MM-JJ, pas dans le futur) : la sortie est proposée à cette date ; aujourd'hui par défaut"}], "responses": {"200": {"description": "Le parcours"}, "404": err("Introuvable ou hors de votre périmètre")}}},
            "/enrolments/{id}/transitions": {"post": {"summary": "Proposer au comité, sortir (motif, justificatif), suivi à 6 mois", "parameters": [id_param.clone()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["event", "on"],
                    "properties": {"event": {"type": "string", "enum": ["propose_to_committee", "exit", "record_follow_up"]}, "on": {"type": "string", "format": "date"},
                        "note": {"type": "string"}, "exit_reason": {"type": "string"}, "proof": {"type": "string"}}}}}},
                "responses": {"200": {"description": "Nouvel état"}, "422": err("Transition refusée, avec la raison")}}},
            "/enrolments/{id}/steps": {"post": {"summary": "Ajouter une étape (dans les dates du parcours)", "parameters": [id_param.clone()], "responses": {"201": {"description": "Créée"}, "422": err("Refusée")}}},
            "/enrolments/{id}/contracts": {"post": {"summary": "Enregistrer un contrat de travail de la personne", "parameters": [id_param.clone()], "responses": {"201": {"description": "Créé"}, "422": err("Refusé")}}},
            "/committees": {"post": {"summary": "Tenir un comité d'accès", "responses": {"201": {"description": "Créé"}}}},
            "/committees/{id}/decisions": {"post": {"summary": "Décision du comité : entrée (à la date du comité) ou non-entrée", "parameters": [id_param.clone()],
                "responses": {"200": {"description": "Nouvel état du parcours"}, "422": err("Refusée (éligibilité, motif manquant)")}}},
            "/persons/{id}": {
                "get": {
                    "summary": "Lire une fiche (consultation tracée)",
                    "parameters": [id_param.clone()],
                    "responses": {"200": {"description": "La fiche", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}}, "404": err("Introuvable")}
                },
                "put": {
                    "summary": "Modifier une fiche",
                    "parameters": [id_param],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/PersonInput"}, {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}]}}}},
                    "responses": {"200": {"description": "Modifiée", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}}, "409": err("Modifiée entre-temps : la réponse contient la version actuelle"), "422": err("Champs invalides")}
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "PersonInput": person_input,
                "Person": {"allOf": [{"$ref": "#/components/schemas/PersonInput"}, {"type": "object", "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "version": {"type": "integer"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "updated_at": {"type": "string", "format": "date-time"}
                }}]},
                "PersonList": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}
                }},
                "Error": errors
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_documented() {
        let doc = spec();
        for r in crate::route_specs() {
            let Some(rest) = r.path.strip_prefix("/api/v1") else {
                continue;
            };
            if rest == "/openapi.json" {
                continue;
            }
            let op = &doc["paths"][rest][r.method.to_lowercase()];
            assert!(
                op.is_object(),
                "{} {} missing from the OpenAPI document",
                r.method,
                r.path
            );
        }
    }
}
