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
    /// What is wrong and what was expected, in English (`msg` rendered).
    pub message: String,
    /// The same in a form that can be said in either language.
    pub msg: Msg,
}

impl Problem {
    /// A problem at a place in a file.
    pub fn new(
        severity: Severity,
        file: &str,
        location: impl Into<String>,
        field: impl Into<String>,
        msg: Msg,
    ) -> Problem {
        Problem {
            severity,
            file: file.to_owned(),
            location: location.into(),
            field: field.into(),
            message: msg.text(false),
            msg,
        }
    }

    /// A problem with no location inside the file.
    pub fn file_level(severity: Severity, file: &str, msg: Msg) -> Problem {
        Problem::new(severity, file, "", "", msg)
    }

    /// The whole problem in Chinese (`zh`) or English: "错误：parks.geojson：第 4 行，第 7 列：…".
    pub fn text(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        let kind = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        let mut out = format!("{kind}：{}", self.file);
        if !self.location.is_empty() {
            out.push('：');
            out.push_str(&location_zh(&self.location));
        }
        if !self.field.is_empty() {
            out.push('：');
            out.push_str(&self.field);
        }
        out.push('：');
        out.push_str(&self.msg.text(true));
        out
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
pub fn describe(value: &serde_json::Value) -> Msg {
    use serde_json::Value;
    match value {
        Value::Null => Msg::verbatim("null"),
        Value::Bool(b) => Msg::verbatim(b.to_string()),
        Value::Number(n) => Msg::verbatim(n.to_string()),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let ell = if short.len() < s.len() { "…" } else { "" };
            Msg::verbatim(format!("{:?}", format!("{short}{ell}")))
        }
        Value::Array(a) => crate::msg!("an array of {}", a.len()),
        Value::Object(_) => crate::msg!("an object"),
    }
}

/// "line 4, column 7" (a JSON parser's location) in Chinese: "第 4 行，第 7 列"; other locations
/// (feature paths, ids) as they are.
pub fn location_zh(location: &str) -> String {
    let parts: Option<(&str, &str)> = location
        .strip_prefix("line ")
        .and_then(|r| r.split_once(", column "));
    match parts {
        Some((line, column))
            if line.bytes().all(|b| b.is_ascii_digit())
                && column.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("第 {line} 行，第 {column} 列")
        }
        _ => location.to_owned(),
    }
}

/// A message that can be said in English or Chinese: an English template with `{}` for its
/// arguments (see [`msg!`](crate::msg)); the Chinese template is looked up in
/// [`super::problem_zh`]. Arguments are either shown as they are (names, numbers, other
/// programs' error texts) or messages themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// The English template: the key of the translation.
    pub template: &'static str,
    /// The values for the template's `{}`, in order.
    pub args: Vec<Arg>,
}

/// A value in a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is in both languages.
    Text(String),
    /// A phrase said in the message's language.
    Msg(Msg),
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(m)
    }
}

/// Anything printable is shown as it is (names, numbers, other programs' errors); a [`Msg`]
/// is said in the message's language.
impl<T: fmt::Display> From<T> for Arg {
    fn from(v: T) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl Msg {
    /// A text shown as it is in both languages (another program's error, a value).
    pub fn verbatim(text: impl Into<String>) -> Msg {
        Msg {
            template: "{}",
            args: vec![Arg::Text(text.into())],
        }
    }

    /// The message in Chinese (`zh`) or English. A template without a Chinese text is said in
    /// English (a test checks that there is none).
    pub fn text(&self, zh: bool) -> String {
        let template = if zh {
            super::problem_zh::chinese(self.template).unwrap_or(self.template)
        } else {
            self.template
        };
        let mut args = self.args.iter().map(|a| match a {
            Arg::Text(t) => t.clone(),
            Arg::Msg(m) => m.text(zh),
        });
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(at) = rest.find("{}") {
            out.push_str(&rest[..at]);
            out.push_str(&args.next().unwrap_or_default());
            rest = &rest[at + 2..];
        }
        out.push_str(rest);
        out
    }
}

/// A [`Msg`]: an English template (a string literal, `{}` for each argument) and its
/// arguments (anything [`Arg`] converts from: strings, numbers, other messages).
#[macro_export]
macro_rules! msg {
    ($template:literal $(, $arg:expr)* $(,)?) => {
        $crate::io::problem::Msg {
            template: $template,
            args: vec![$($crate::io::problem::Arg::from($arg)),*],
        }
    };
}
