//! Field-by-field decoding of one JSON record, so that every problem names
//! the field it is in (serde's own errors do not) and one bad field does not
//! hide the others.

use serde_json::{Map, Value};

/// Reads the fields of one JSON object, collecting a message per bad field.
pub(crate) struct FieldReader<'a> {
    object: &'a Map<String, Value>,
    pub(crate) problems: Vec<(String, String)>,
}

impl<'a> FieldReader<'a> {
    pub(crate) fn new(object: &'a Map<String, Value>, allowed: &[&str]) -> Self {
        let mut problems = Vec::new();
        for key in object.keys() {
            if !allowed.contains(&key.as_str()) {
                problems.push((
                    key.clone(),
                    format!("unknown field, expected one of: {}", allowed.join(", ")),
                ));
            }
        }
        FieldReader { object, problems }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push((field.to_string(), message.into()));
    }

    /// A string that must be present and not blank.
    pub(crate) fn required_str(&mut self, field: &str) -> String {
        match self.object.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::String(_)) => {
                self.fail(field, "must not be empty");
                String::new()
            }
            None | Some(Value::Null) => {
                self.fail(field, "is missing");
                String::new()
            }
            Some(other) => {
                self.fail(field, format!("must be a string, found {}", type_name(other)));
                String::new()
            }
        }
    }

    /// A string that may be absent, null or empty.
    pub(crate) fn optional_str(&mut self, field: &str) -> Option<String> {
        match self.object.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::String(_)) | Some(Value::Null) | None => None,
            Some(other) => {
                self.fail(field, format!("must be a string, found {}", type_name(other)));
                None
            }
        }
    }

    /// A list of non-blank strings; absent or null is empty.
    pub(crate) fn str_list(&mut self, field: &str) -> Vec<String> {
        match self.object.get(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (position, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                        _ => self.fail(field, format!("item {position} must be a non-empty string")),
                    }
                }
                out
            }
            Some(other) => {
                self.fail(field, format!("must be a list of strings, found {}", type_name(other)));
                Vec::new()
            }
        }
    }

    /// A number that may be absent or null.
    pub(crate) fn optional_number(&mut self, field: &str) -> Option<f64> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => {
                self.fail(field, format!("must be a number, found {}", type_name(other)));
                None
            }
        }
    }

    /// A JSON object; absent or null is empty.
    pub(crate) fn object(&mut self, field: &str) -> Map<String, Value> {
        match self.object.get(field) {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(other) => {
                self.fail(field, format!("must be an object, found {}", type_name(other)));
                Map::new()
            }
        }
    }

    /// The raw value of a field, for fields with a structure of their own.
    pub(crate) fn raw(&self, field: &str) -> Option<&'a Value> {
        self.object.get(field)
    }

    /// Parses a string field with `parse`, reporting its error on the field.
    pub(crate) fn parsed<T>(&mut self, field: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let text = self.required_str(field);
        if text.is_empty() {
            return None;
        }
        match parse(&text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.fail(field, message);
                None
            }
        }
    }

    pub(crate) fn report(&mut self, field: &str, message: impl Into<String>) {
        self.fail(field, message);
    }
}

pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
