//! A small JSON Schema validator for the subset the OpenAPI document uses: `$ref` to
//! `#/components/schemas/…`, `allOf`, `oneOf`, `type` (one or a list), `enum`, `required`,
//! `properties`, `additionalProperties` (a schema), `items`, `minLength`/`maxLength`,
//! `minimum`/`maximum`, and the formats `date`, `date-time` and `uuid`.
//!
//! Why not the `jsonschema` crate: it turns on serde_json's `float_roundtrip` feature for the
//! whole test build, which rebuilds every crate that depends on serde_json (Typst included,
//! some ten minutes on the 2-core machine) and brings some thirty crates more. An unknown
//! keyword fails here, so that the document cannot grow past what this checks unnoticed.

use serde_json::Value;

const KNOWN: &[&str] = &[
    "$ref",
    "allOf",
    "oneOf",
    "type",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "format",
    "description",
    "default",
];

/// Every way `value` (at `path`) departs from `schema`, resolving references in `doc`.
pub fn errors(doc: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, schema, value, path, &mut out);
    out
}

fn type_matches(ty: &str, v: &Value) -> bool {
    match ty {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

fn format_matches(format: &str, s: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    match format {
        "date" => {
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
        }
        "date-time" => time::OffsetDateTime::parse(s, &Rfc3339).is_ok(),
        "uuid" => uuid::Uuid::try_parse(s).is_ok_and(|u| u.hyphenated().to_string() == s),
        _ => false,
    }
}

fn check(doc: &Value, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        out.push(format!("{path}: the schema is not an object"));
        return;
    };
    for k in s.keys() {
        if !KNOWN.contains(&k.as_str()) {
            out.push(format!(
                "{path}: keyword {k} is not checked by this validator"
            ));
        }
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        match doc["components"]["schemas"].get(name) {
            Some(target) => check(doc, target, v, path, out),
            None => out.push(format!("{path}: unknown reference {r}")),
        }
    }
    for sub in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(doc, sub, v, path, out);
    }
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let matching = options
            .iter()
            .filter(|o| errors(doc, o, v, path).is_empty())
            .count();
        if matching != 1 {
            out.push(format!("{path}: matches {matching} of the oneOf schemas"));
        }
    }
    if let Some(ty) = s.get("type") {
        let types: Vec<&str> = match ty {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.iter().any(|t| type_matches(t, v)) {
            out.push(format!("{path}: {v} is not of type {ty}"));
            return;
        }
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        out.push(format!("{path}: {v} is not one of {allowed:?}"));
    }
    match v {
        Value::String(text) => {
            let n = text.chars().count() as u64;
            if s.get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
            {
                out.push(format!("{path}: longer than maxLength"));
            }
            if s.get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| n < m)
            {
                out.push(format!("{path}: shorter than minLength"));
            }
            if let Some(f) = s.get("format").and_then(Value::as_str)
                && !format_matches(f, text)
            {
                out.push(format!("{path}: {text:?} is not a {f}"));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if s.get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x < m)
            {
                out.push(format!("{path}: {x} under minimum"));
            }
            if s.get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x > m)
            {
                out.push(format!("{path}: {x} over maximum"));
            }
        }
        Value::Array(items) => {
            if let Some(item) = s.get("items") {
                for (i, x) in items.iter().enumerate() {
                    check(doc, item, x, &format!("{path}/{i}"), out);
                }
            }
        }
        Value::Object(map) => {
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = r.as_str()
                    && !map.contains_key(name)
                {
                    out.push(format!("{path}: required property {name} is missing"));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, x) in map {
                match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                    (Some(p), _) => check(doc, p, x, &format!("{path}/{k}"), out),
                    (None, Some(extra)) => check(doc, extra, x, &format!("{path}/{k}"), out),
                    (None, None) => {}
                }
            }
        }
        _ => {}
    }
}

#[test]
fn the_validator_catches_what_the_document_describes() {
    let doc =
        serde_json::json!({"components": {"schemas": {"D": {"type": "string", "format": "date"}}}});
    let schema = serde_json::json!({"type": "object", "required": ["on", "n"], "properties": {
        "on": {"$ref": "#/components/schemas/D"}, "n": {"type": ["integer", "null"], "minimum": 1},
        "e": {"enum": ["a"]}, "l": {"type": "array", "items": {"type": "string", "format": "uuid"}}}});
    let ok = serde_json::json!({"on": "2001-11-25", "n": null, "l": ["0191b2c4-5a6e-7f00-8000-000000000000"]});
    assert!(errors(&doc, &schema, &ok, "").is_empty());
    let bad = serde_json::json!({"on": [2001, 329], "n": 0, "e": "b", "l": ["x"]});
    assert_eq!(errors(&doc, &schema, &bad, "").len(), 4);
    assert_eq!(errors(&doc, &schema, &serde_json::json!({}), "").len(), 2);
}
