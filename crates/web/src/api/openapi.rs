//! The OpenAPI 3.1 document of `/api/v1`, written by hand (the API is small): the shell's
//! parts here, each module's paths and schemas in its `openapi.rs`, registered in its
//! `Module::api_doc`. A unit test of `routes` checks that every API route of the router is
//! documented, and the integration test `openapi_conformance` validates real answers of every
//! route against these schemas.

use axum::Json;
use serde_json::{Value, json};

/// A JSON type that may be `null` (OpenAPI 3.1: a type list).
pub(crate) fn nullable(ty: &str) -> Value {
    json!({"type": [ty, "null"]})
}

pub(crate) fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

pub(crate) fn nullable_date() -> Value {
    json!({"type": ["string", "null"], "format": "date"})
}

pub(crate) fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

pub(crate) fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A JSON answer of the given schema.
pub(crate) fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

pub(crate) fn err(description: &str) -> Value {
    ok(description, schema_ref("Error"))
}

pub(crate) fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// The answers every operation may give, with its own added: 400 (malformed parameter or
/// body), 401 (no valid token), 403 (role), 422 (a control character in the address or a
/// parameter: the input policy); writes add 413 (body too large) and 415 (not JSON).
pub(crate) fn responses(own: Value) -> Value {
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

pub(crate) fn write_responses(own: Value) -> Value {
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

/// The schemas every module's answers share.
fn shared_schemas() -> Value {
    json!({
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

/// What a module adds to the OpenAPI document: its paths (relative to `/api/v1`) and its
/// schemas, both JSON objects merged into the document.
pub struct ApiDoc {
    pub paths: Value,
    pub schemas: Value,
}

/// Adds the entries of the JSON object `from` to the JSON object `into`.
fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

pub fn spec() -> Value {
    let mut paths = json!({});
    let mut schemas = shared_schemas();
    for doc in crate::modules::MODULES.iter().filter_map(|m| m.api_doc) {
        let doc = doc();
        merge(&mut paths, doc.paths);
        merge(&mut schemas, doc.schemas);
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Passerelle API", "version": "1", "description": "Registre des personnes et parcours. Authentification : en-tête Authorization: Bearer <jeton> ; un jeton agit au nom du compte qui le possède, avec ses seuls droits (créé sur le serveur : passerelle token create). Chaque lecture de fiche et chaque modification est tracée au journal d'audit. Toute erreur répond en JSON {error, fields}, en français ; les dates sont au format AAAA-MM-JJ."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
