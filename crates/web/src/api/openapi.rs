//! The OpenAPI 3.1 document of `/api/v1`, written by hand (the API is small): the helpers and
//! shared schemas here, each module's paths and schemas in its `openapi.rs`, registered in its
//! `Module::api_doc`, and the document assembled from them in the top-level `openapi` module. A unit test of `routes` checks that every API route of the router is
//! documented, and the integration test `openapi_conformance` validates real answers of every
//! route against these schemas.

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
pub(crate) fn shared_schemas() -> Value {
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
