//! Reading a submission and describing form fields.

use crate::{Choice, Datatype, Field, FieldError, Submission};

impl Submission {
    /// The first value given for field `code`, if any and not blank.
    pub fn value(&self, code: &str) -> Option<&str> {
        self.values(code)
            .first()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// Every value given for field `code`.
    pub fn values(&self, code: &str) -> &[String] {
        self.fields
            .iter()
            .find(|f| f.code == code)
            .map(|f| f.values.as_slice())
            .unwrap_or(&[])
    }
}

/// A field error for `code`.
pub fn error(code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        code: code.to_string(),
        message: message.into(),
    }
}

/// A form field.
pub fn field(
    code: &str,
    label: &str,
    help: &str,
    required: bool,
    order: u32,
    datatype: Datatype,
) -> Field {
    Field {
        code: code.into(),
        label: label.into(),
        help: help.into(),
        required,
        order,
        datatype,
    }
}

/// List choices from `(key, name)` pairs.
pub fn choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(key, name)| Choice {
            key: key.to_string(),
            name: name.to_string(),
        })
        .collect()
}
