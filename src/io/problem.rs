//! Problems found while reading a file: each names the file, where in it, the field and what
//! was expected, so a user can find and fix it.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The data loads, but something looks wrong.
    Warning,
    /// The data cannot be used as it is.
    Error,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// File name as the user gave it ("parks.geojson").
    pub file: String,
    /// Where in the file: "features[3] (id 'lianjiang_htz')", "line 4, column 7", or empty.
    pub location: String,
    /// The field path inside the feature ("projects[1].amount"), or empty.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem with no location inside the file.
    pub fn file_level(severity: Severity, file: &str, message: impl Into<String>) -> Problem {
        Problem {
            severity,
            file: file.to_owned(),
            location: String::new(),
            field: String::new(),
            message: message.into(),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file)?;
        if !self.location.is_empty() {
            write!(f, ": {}", self.location)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// True when any problem is an error.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(Problem::is_error)
}

/// Describes a JSON value for "expected X, found Y" messages: short, with strings quoted.
pub fn describe(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let ell = if short.len() < s.len() { "…" } else { "" };
            format!("{:?}", format!("{short}{ell}"))
        }
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}
