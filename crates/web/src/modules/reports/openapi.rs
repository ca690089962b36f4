//! The reports API in the OpenAPI document: its paths and schemas.

use serde_json::json;

use crate::api::openapi::{ApiDoc, err, ok, responses, schema_ref};

pub fn api_doc() -> ApiDoc {
    let figure_value = json!({"type": ["number", "null"]});
    let report = json!({
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
    });
    ApiDoc {
        schemas: json!({ "Report": report }),
        paths: json!({
            "/reports/{year}": {"get": {"summary": "Chiffres du rapport d'activité de l'année, avec l'année précédente et les répartitions (jamais de noms)",
                "parameters": [{"name": "year", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
                    {"name": "public", "in": "query", "schema": {"type": "boolean"}, "description": "Export public : petits effectifs masqués (secret statistique)"},
                    {"name": "threshold", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 5}}],
                "responses": responses(json!({"200": ok("Chaque chiffre : id, value, previous, unit, version, definition, breakdowns ; set_aside : indicateurs de la structure écartés et pourquoi", schema_ref("Report")),
                    "404": err("Année hors de 2000 à 2100"), "422": err("Seuil invalide")}))}}
        }),
    }
}
