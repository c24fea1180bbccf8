//! Scenarios: `scenarios/*.toml` beside a service, the same files for every language. Each gives a
//! citizen's request and the city's settings, and says what the service must answer (opened,
//! answered or rejected, with which field errors), what case it must open and what it must
//! store. `carmen plugin test` runs each in a city of its own and shows every difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::runtime::form::RequestInput;
use crate::runtime::requests::Submitted;
use crate::runtime::types::{Case, Contact, Location, Written};

/// One scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What it shows, in a sentence (default: the file's name).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given: Given,
    /// A stand-in for the city's own application, for a service with capability `http`: its
    /// address is `{back-office}` in a setting's value.
    #[serde(default)]
    pub back_office: Vec<Stub>,
    pub expect: Expectation,
}

/// One answer of the stand-in back office.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stub {
    #[serde(default = "get")]
    pub method: String,
    /// The path it answers, without the query.
    pub path: String,
    #[serde(default = "ok")]
    pub status: u16,
    /// A JSON body; `{today}` and `{today+N}` in its strings are dates counted from today.
    #[serde(default)]
    pub json: Option<toml::Value>,
    /// A body of text.
    #[serde(default)]
    pub body: Option<String>,
}

fn get() -> String {
    "GET".into()
}

fn ok() -> u16 {
    200
}

/// A citizen's request, with (in `[given]` only) the city's settings for the service and the
/// requests filed before it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Given {
    /// The install's settings, by name (as `carmen.toml`'s `[[setting]]`s name them).
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// Requests filed first, in order (what they answer is not checked, but they must not fail).
    #[serde(default)]
    pub earlier: Vec<Given>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, Answer>,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// A field's answer: one value, or several for a multi-value list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

/// How the service answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Opened,
    Answered,
    Rejected,
}

/// What the service must answer and leave; what is not said is not checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub outcome: Outcome,
    /// Rejected: for each field code, words its error message contains ("" for any message).
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
    /// Answered: words the answer contains.
    #[serde(default)]
    pub answer: Option<String>,
    /// Answered: the reference it gives, exactly.
    #[serde(default)]
    pub reference: Option<String>,
    /// Opened: the case's properties, each exactly.
    #[serde(default)]
    pub case: Option<CaseExpected>,
    /// What its store holds afterwards: key → the value as text, exactly.
    #[serde(default)]
    pub store: BTreeMap<String, String>,
    /// How many messages it sent.
    #[serde(default)]
    pub messages: Option<usize>,
    /// What the back office was asked, in order: `METHOD /path`.
    #[serde(default)]
    pub back_office: Option<Vec<String>>,
}

/// The properties of the case opened that are checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseExpected {
    pub title: Option<String>,
    pub description: Option<String>,
    pub department: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: Option<String>,
    /// `submitted`, `acknowledged`, `in_progress`, `resolved`, `closed`…
    pub status: Option<String>,
    pub notice: Option<String>,
}

/// A scenario file's name and content, in the order of their names.
pub fn read_all(dir: &Path) -> anyhow::Result<Vec<(String, Scenario)>> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let scenario: Scenario = toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
            let file = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            Ok((file, scenario))
        })
        .collect()
}

impl Given {
    /// The request as the runtime takes it.
    pub fn request(&self) -> RequestInput {
        RequestInput {
            fields: self
                .fields
                .iter()
                .map(|(code, answer)| {
                    let values = match answer {
                        Answer::One(value) => vec![value.clone()],
                        Answer::Many(values) => values.clone(),
                    };
                    (code.clone(), values)
                })
                .collect(),
            description: self.description.clone(),
            location: self.location.clone(),
            contact: self.contact.clone(),
            language: self.language.clone().unwrap_or_else(|| "en".into()),
            ..Default::default()
        }
    }
}

/// What the service answered, as the report says it.
pub fn said(submitted: &Submitted) -> (Outcome, String) {
    match submitted {
        Submitted::Opened(filed) => (
            Outcome::Opened,
            format!("opened case #{}: {}", filed.case.id, filed.case.title),
        ),
        Submitted::Answered(filed) => (
            Outcome::Answered,
            format!(
                "answered: {}",
                filed.case.notice.as_deref().unwrap_or(&filed.case.title)
            ),
        ),
        Submitted::Rejected(refusal) => {
            let errors: Vec<String> = refusal
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.code, e.message))
                .collect();
            (
                Outcome::Rejected,
                format!("rejected: {}", errors.join("; ")),
            )
        }
    }
}

/// Every way `submitted`, `written` and what the back office was `asked` differ from
/// `expected`, one line each (empty: as expected).
pub fn differences(
    expected: &Expectation,
    submitted: &Submitted,
    written: &Written,
    asked: &[String],
) -> Vec<String> {
    let mut found = Vec::new();
    let (outcome, said) = said(submitted);
    if outcome != expected.outcome {
        found.push(format!(
            "outcome: expected {:?}, got {:?} ({said})",
            expected.outcome, outcome
        ));
    }
    match submitted {
        Submitted::Rejected(refusal) => {
            for (code, words) in &expected.errors {
                match refusal.errors.iter().find(|e| &e.code == code) {
                    Some(error) if error.message.contains(words.as_str()) => {}
                    Some(error) => found.push(format!(
                        "errors.{code}: expected a message with {words:?}, got {:?}",
                        error.message
                    )),
                    None => found.push(format!("errors.{code}: expected an error, got none")),
                }
            }
            for error in &refusal.errors {
                if !expected.errors.contains_key(&error.code) {
                    found.push(format!(
                        "errors.{}: not expected, got {:?}",
                        error.code, error.message
                    ));
                }
            }
        }
        Submitted::Answered(filed) => {
            let answer = filed.case.notice.as_deref().unwrap_or("");
            if let Some(words) = &expected.answer
                && !answer.contains(words.as_str())
            {
                found.push(format!("answer: expected words {words:?}, got {answer:?}"));
            }
            compare(
                &mut found,
                "reference",
                &expected.reference,
                &filed.case.reference,
            );
        }
        Submitted::Opened(filed) => {
            if let Some(case) = &expected.case {
                compare_case(&mut found, case, &filed.case);
            }
        }
    }
    for (key, value) in &expected.store {
        let got = written
            .store
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
        compare(
            &mut found,
            &format!("store.{key}"),
            &Some(value.clone()),
            &got,
        );
    }
    if let Some(wanted) = &expected.back_office
        && wanted.as_slice() != asked
    {
        found.push(format!("back_office: expected {wanted:?}, got {asked:?}"));
    }
    if let Some(messages) = expected.messages
        && messages != written.outbox.len()
    {
        found.push(format!(
            "messages: expected {messages}, got {}",
            written.outbox.len()
        ));
    }
    found
}

fn compare_case(found: &mut Vec<String>, expected: &CaseExpected, case: &Case) {
    let pairs = [
        ("title", &expected.title, Some(case.title.clone())),
        (
            "description",
            &expected.description,
            Some(case.description.clone()),
        ),
        ("department", &expected.department, case.department.clone()),
        (
            "priority",
            &expected.priority,
            Some(case.priority.as_str().to_string()),
        ),
        (
            "status",
            &expected.status,
            Some(case.status.as_str().to_string()),
        ),
        ("notice", &expected.notice, case.notice.clone()),
    ];
    for (what, wanted, got) in pairs {
        compare(found, &format!("case.{what}"), wanted, &got);
    }
}

/// One line when `wanted` is said and `got` is not it.
fn compare(found: &mut Vec<String>, what: &str, wanted: &Option<String>, got: &Option<String>) {
    if let Some(wanted) = wanted
        && got.as_ref() != Some(wanted)
    {
        match got {
            Some(got) => found.push(format!("{what}: expected {wanted:?}, got {got:?}")),
            None => found.push(format!("{what}: expected {wanted:?}, got nothing")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_key_is_refused_with_its_name_and_a_full_scenario_reads() {
        let typo = "[given]\nfeilds = { what = \"x\" }\n[expect]\noutcome = \"opened\"\n";
        let error = toml::from_str::<Scenario>(typo).unwrap_err().to_string();
        assert!(error.contains("feilds"), "{error}");
        let typo = "[given]\n[expect]\noutcome = \"opened\"\ncaes = {}\n";
        let error = toml::from_str::<Scenario>(typo).unwrap_err().to_string();
        assert!(error.contains("caes"), "{error}");
        let full = "[given]\nsettings = { threshold = \"3\" }\nfields = { what = [\"a\", \"b\"] }\n\
                    [[given.earlier]]\nfields = { what = \"c\" }\n\
                    [expect]\noutcome = \"answered\"\nanswer = \"ok\"\n[expect.case]\ntitle = \"t\"\n";
        let scenario: Scenario = toml::from_str(full).unwrap();
        assert_eq!(scenario.given.settings["threshold"], "3");
        assert_eq!(scenario.given.earlier.len(), 1);
        assert_eq!(scenario.given.request().fields["what"], ["a", "b"]);
        assert_eq!(scenario.expect.outcome, Outcome::Answered);
    }
}
