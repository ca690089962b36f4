//! The OpenAPI document served at `/api/v1/openapi.json`, assembled from what each module
//! registers (`Module::api_doc`) around the shared parts of `api::openapi`. It sits above the
//! modules so that `api` stays below them.

use axum::Json;
use serde_json::{Value, json};

use crate::api::openapi::shared_schemas;
use crate::modules::MODULES;

/// Adds the entries of the JSON object `from` to the JSON object `into`.
fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

pub fn spec() -> Value {
    let mut paths = json!({});
    let mut schemas = shared_schemas();
    for doc in MODULES.iter().filter_map(|m| m.api_doc) {
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
