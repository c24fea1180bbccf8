//! `document-reminder`: a citizen registers a document (identity card, passport, parking permit,
//! driving licence) with its expiry date; `tick` sends a reminder through `notify` 30 and 7 days
//! before (the days are configurable), each once. Registrations are kept in the service's `store`,
//! each under the requester id of whoever made it; an erased citizen's registrations are removed.

use carmen_sdk::dates::{day_of, days_between, parse_day, spell_day, spell_days};
use carmen_sdk::form::{choices, error, field};
use carmen_sdk::text::{chosen, pick};
use carmen_sdk::*;

mod registration;
use registration::Registration;

struct DocumentReminder;

const LANGUAGES: &[&str] = &["en", "nl", "it", "es", "de", "fr"];
const DOCUMENTS: &[(&str, &str)] = &[
    ("identity-card", "Identity card"),
    ("passport", "Passport"),
    ("parking-permit", "Parking permit"),
    ("driving-licence", "Driving licence"),
];
const DOCUMENTS_NL: &[(&str, &str)] = &[
    ("identity-card", "Identiteitskaart"),
    ("passport", "Paspoort"),
    ("parking-permit", "Parkeervergunning"),
    ("driving-licence", "Rijbewijs"),
];
const DOCUMENTS_IT: &[(&str, &str)] = &[
    ("identity-card", "Carta d'identità"),
    ("passport", "Passaporto"),
    ("parking-permit", "Permesso di sosta"),
    ("driving-licence", "Patente di guida"),
];
const DOCUMENTS_ES: &[(&str, &str)] = &[
    ("identity-card", "Documento de identidad"),
    ("passport", "Pasaporte"),
    ("parking-permit", "Permiso de aparcamiento"),
    ("driving-licence", "Permiso de conducir"),
];
const DOCUMENTS_DE: &[(&str, &str)] = &[
    ("identity-card", "Personalausweis"),
    ("passport", "Reisepass"),
    ("parking-permit", "Parkausweis"),
    ("driving-licence", "Führerschein"),
];
const DOCUMENTS_FR: &[(&str, &str)] = &[
    ("identity-card", "Carte d'identité"),
    ("passport", "Passeport"),
    ("parking-permit", "Carte de stationnement"),
    ("driving-licence", "Permis de conduire"),
];

fn documents(language: &str) -> &'static [(&'static str, &'static str)] {
    match language {
        "nl" => DOCUMENTS_NL,
        "it" => DOCUMENTS_IT,
        "es" => DOCUMENTS_ES,
        "de" => DOCUMENTS_DE,
        "fr" => DOCUMENTS_FR,
        _ => DOCUMENTS,
    }
}

fn document_name<'a>(key: &'a str, language: &str) -> &'a str {
    documents(language)
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, name)| *name)
        .unwrap_or(key)
}

/// The document's name inside a sentence: in lower case, except in German, which capitalises nouns.
fn document_in_sentence(key: &str, language: &str) -> String {
    let name = document_name(key, language);
    if language == "de" {
        name.to_string()
    } else {
        name.to_lowercase()
    }
}

/// The reminder days before expiry, largest first (config `remind-days`, default `30,7`).
fn remind_days(setting: Option<String>) -> Vec<i64> {
    let mut days: Vec<i64> = setting
        .unwrap_or_default()
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .filter(|d| (1..=365).contains(d))
        .collect();
    if days.is_empty() {
        days = vec![30, 7];
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    days
}

/// Which reminder is due for a document with `days_left`, given those already sent: the smallest
/// threshold reached that was not sent yet. Larger thresholds passed without a message count as sent.
pub fn due_reminder(thresholds: &[i64], sent: &[i64], days_left: i64) -> Option<i64> {
    if days_left < 0 {
        return None;
    }
    thresholds
        .iter()
        .copied()
        .filter(|t| days_left <= *t)
        .min()
        .filter(|t| !sent.contains(t))
}

/// Search words in `language` (one of `LANGUAGES`).
fn keywords(language: &str) -> &'static [&'static str] {
    match language {
        "nl" => &["paspoort", "identiteitskaart", "vergunning", "herinnering"],
        "it" => &["passaporto", "carta d'identità", "permesso", "promemoria"],
        "es" => &["pasaporte", "documento de identidad", "permiso", "aviso"],
        "de" => &["Reisepass", "Personalausweis", "Ausweis", "Erinnerung"],
        "fr" => &["passeport", "carte d'identité", "permis", "rappel"],
        _ => &["passport", "identity card", "permit", "reminder"],
    }
}

fn describe_in(language: &str) -> ServiceDescription {
    let lang = chosen(language, LANGUAGES);
    ServiceDescription {
        code: "document-reminder".into(),
        name: pick(lang, &[
            ("en", "Remind me before a document expires"),
            ("nl", "Herinner mij voor een document verloopt"),
            ("it", "Ricordami la scadenza di un documento"),
            ("es", "Avisarme antes de que caduque un documento"),
            ("de", "Erinnerung vor Ablauf eines Dokuments"),
            ("fr", "Me prévenir avant l'expiration d'un document"),
        ])
        .into(),
        description: pick(lang, &[
            ("en", "Register a document and its expiry date; we remind you 30 and 7 days before, so you can renew in time."),
            ("nl", "Registreer een document en de vervaldatum; we herinneren u 30 en 7 dagen vooraf, zodat u het op tijd kunt vernieuwen."),
            ("it", "Registra un documento e la sua data di scadenza; ti avvisiamo 30 e 7 giorni prima, così puoi rinnovarlo in tempo."),
            ("es", "Registre un documento y su fecha de caducidad; le avisaremos 30 y 7 días antes para que pueda renovarlo a tiempo."),
            ("de", "Erfassen Sie ein Dokument und sein Ablaufdatum; wir erinnern Sie 30 und 7 Tage vorher, damit Sie es rechtzeitig erneuern können."),
            ("fr", "Enregistrez un document et sa date d'expiration ; nous vous prévenons 30 et 7 jours avant, pour que vous puissiez le renouveler à temps."),
        ])
        .into(),
        group: pick(lang, &[
            ("en", "Documents"),
            ("nl", "Documenten"),
            ("it", "Documenti"),
            ("es", "Documentos"),
            ("de", "Dokumente"),
            ("fr", "Documents"),
        ])
        .into(),
        keywords: keywords(lang).iter().map(|k| (*k).into()).collect(),
        department: "civil-affairs".into(),
        sla_hours: 0,
        fields: vec![
            field(
                "document",
                pick(lang, &[
                    ("en", "Which document?"),
                    ("nl", "Welk document?"),
                    ("it", "Quale documento?"),
                    ("es", "¿Qué documento?"),
                    ("de", "Welches Dokument?"),
                    ("fr", "Quel document ?"),
                ]),
                "",
                true,
                1,
                Datatype::SingleValueList(choices(documents(lang))),
            ),
            field(
                "expires-on",
                pick(lang, &[
                    ("en", "Expiry date"),
                    ("nl", "Vervaldatum"),
                    ("it", "Data di scadenza"),
                    ("es", "Fecha de caducidad"),
                    ("de", "Ablaufdatum"),
                    ("fr", "Date d'expiration"),
                ]),
                pick(lang, &[
                    ("en", "As printed on the document (YYYY-MM-DD)."),
                    ("nl", "Zoals op het document (JJJJ-MM-DD)."),
                    ("it", "Come riportata sul documento (AAAA-MM-GG)."),
                    ("es", "Tal como figura en el documento (AAAA-MM-DD)."),
                    ("de", "Wie auf dem Dokument angegeben (JJJJ-MM-TT)."),
                    ("fr", "Telle qu'indiquée sur le document (AAAA-MM-JJ)."),
                ]),
                true,
                2,
                Datatype::Datetime,
            ),
        ],
        location: Need::None,
        contact: Need::Required,
        language: lang.into(),
    }
}

fn check(submission: &Submission) -> Vec<FieldError> {
    let lang = chosen(&submission.language, LANGUAGES);
    let mut errors = Vec::new();
    match submission.value("document") {
        Some(doc) if DOCUMENTS.iter().any(|(k, _)| *k == doc) => {}
        _ => errors.push(error(
            "document",
            pick(
                lang,
                &[
                    ("en", "choose the kind of document"),
                    ("nl", "kies het soort document"),
                    ("it", "scegli il tipo di documento"),
                    ("es", "elija el tipo de documento"),
                    ("de", "wählen Sie die Art des Dokuments aus"),
                    ("fr", "choisissez le type de document"),
                ],
            ),
        )),
    }
    match submission.value("expires-on").and_then(parse_day) {
        Some(day) if day > day_of(submission.received_at) => {}
        Some(_) => errors.push(error(
            "expires-on",
            pick(
                lang,
                &[
                    ("en", "the document has expired already; renew it now"),
                    (
                        "nl",
                        "het document is al verlopen; vraag nu een nieuw document aan",
                    ),
                    ("it", "il documento è già scaduto; rinnovalo subito"),
                    ("es", "el documento ya ha caducado; renuévelo ahora"),
                    (
                        "de",
                        "das Dokument ist bereits abgelaufen; bitte erneuern Sie es jetzt",
                    ),
                    (
                        "fr",
                        "le document a déjà expiré ; renouvelez-le dès maintenant",
                    ),
                ],
            ),
        )),
        None => errors.push(error(
            "expires-on",
            pick(
                lang,
                &[
                    ("en", "give the expiry date as YYYY-MM-DD"),
                    ("nl", "geef de vervaldatum op als JJJJ-MM-DD"),
                    ("it", "indica la data di scadenza nel formato AAAA-MM-GG"),
                    (
                        "es",
                        "indique la fecha de caducidad con el formato AAAA-MM-DD",
                    ),
                    ("de", "geben Sie das Ablaufdatum im Format JJJJ-MM-TT an"),
                    ("fr", "indiquez la date d'expiration au format AAAA-MM-JJ"),
                ],
            ),
        )),
    }
    let reachable = submission.contact.as_ref().is_some_and(|c| {
        c.email.as_deref().is_some_and(|e| e.contains('@'))
            || c.phone.as_deref().is_some_and(|p| !p.trim().is_empty())
    });
    if !reachable {
        errors.push(error(
            "contact",
            pick(lang, &[
                ("en", "give an e-mail address or a phone number for the reminder"),
                ("nl", "geef een e-mailadres of een telefoonnummer op voor de herinnering"),
                ("it", "indica un indirizzo email o un numero di telefono per il promemoria"),
                ("es", "indique una dirección de correo electrónico o un número de teléfono para el aviso"),
                ("de", "geben Sie eine E-Mail-Adresse oder eine Telefonnummer für die Erinnerung an"),
                ("fr", "indiquez une adresse e-mail ou un numéro de téléphone pour le rappel"),
            ]),
        ));
    }
    errors
}

fn register(submission: &Submission) -> Result<Outcome, String> {
    let reference =
        carmen_sdk::counter::next_reference("seq", "DR").map_err(|e| format!("{e:?}"))?;
    let contact = submission.contact.clone().unwrap_or(Contact {
        name: None,
        email: None,
        phone: None,
    });
    let registration = Registration {
        document: submission.value("document").unwrap_or_default().to_string(),
        expires_on: submission
            .value("expires-on")
            .and_then(parse_day)
            .expect("checked"),
        language: chosen(&submission.language, LANGUAGES).to_string(),
        contact,
        sent: Vec::new(),
        owner: requester::current().submitter.unwrap_or_default(),
    };
    store::set(
        &format!("doc/{reference}"),
        registration.encode().as_bytes(),
    )
    .map_err(|e| format!("{e:?}"))?;
    let and = match registration.language.as_str() {
        "nl" => " en ",
        "it" => " e ",
        "es" => " y ",
        "de" => " und ",
        "fr" => " et ",
        _ => " and ",
    };
    let thresholds = remind_days(config::get("remind-days"));
    let mut days = thresholds
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(and);
    // The unit once, after the last count: "30 and 7 days", "1 day".
    if let Some(last) = thresholds.last() {
        // Plural as soon as there are two counts: "7 and 1 days".
        let counted = if thresholds.len() > 1 { 2 } else { *last };
        let unit = spell_days(counted, &registration.language, false);
        let unit = unit.trim_start_matches(|c: char| c.is_ascii_digit());
        days.push_str(unit);
    }
    let name = document_in_sentence(&registration.document, &registration.language);
    let date = spell_day(registration.expires_on, &registration.language);
    let message = match registration.language.as_str() {
        "nl" => format!(
            "We herinneren u {days} voordat uw {name} verloopt op {date}. Referentie {reference}."
        ),
        "it" => format!(
            "Ti avviseremo {days} prima della scadenza del documento ({name}), prevista il {date}. Riferimento {reference}."
        ),
        "es" => format!(
            "Le avisaremos {days} antes de que su {name} caduque el {date}. Referencia {reference}."
        ),
        "de" => format!(
            "Wir erinnern Sie {days}, bevor Ihr {name} am {date} abläuft. Vorgangsnummer {reference}."
        ),
        "fr" => format!(
            "Nous vous préviendrons {days} avant l'expiration de votre {name}, le {date}. Référence {reference}."
        ),
        _ => format!(
            "We will remind you {days} before your {name} expires on {date}. Reference {reference}."
        ),
    };
    Ok(Outcome::Answered(Answer { reference, message }))
}

/// Sends one reminder and records it; `Ok(false)` when the host's quota for messages is used up
/// (the reminder goes at the next tick).
fn remind(
    key: &str,
    registration: &mut Registration,
    days_left: i64,
    threshold: i64,
) -> Result<bool, String> {
    let name = document_in_sentence(&registration.document, &registration.language);
    let date = spell_day(registration.expires_on, &registration.language);
    let left = spell_days(days_left, &registration.language, true);
    let (subject, body) = match registration.language.as_str() {
        "nl" => (
            format!("Uw {name} verloopt over {left}"),
            format!(
                "Uw {name} verloopt op {date}. Vraag op tijd een nieuw document aan, zodat u er niet zonder komt te zitten."
            ),
        ),
        "it" => (
            if days_left == 1 {
                format!("Scadenza {name}: manca {left}")
            } else {
                format!("Scadenza {name}: mancano {left}")
            },
            format!(
                "Il documento ({name}) scade il {date}. Rinnovalo per tempo, così non resti senza."
            ),
        ),
        "es" => (
            format!("Su {name} caduca dentro de {left}"),
            format!("Su {name} caduca el {date}. Renuévelo a tiempo para no quedarse sin él."),
        ),
        "de" => (
            format!("Ihr {name} läuft in {left} ab"),
            format!(
                "Ihr {name} läuft am {date} ab. Beantragen Sie rechtzeitig einen neuen, damit keine Lücke entsteht."
            ),
        ),
        "fr" => (
            format!("Votre {name} expire dans {left}"),
            format!(
                "Votre {name} expire le {date}. Pensez à demander son renouvellement à temps pour éviter toute interruption."
            ),
        ),
        _ => (
            format!("Your {name} expires in {left}"),
            format!("Your {name} expires on {date}. Renew it in time to avoid a gap."),
        ),
    };
    let sent = notify::send(&notify::Message {
        to: registration.contact.clone(),
        subject,
        body,
        case_id: None,
    });
    match sent {
        Ok(_) => {}
        Err(HostError::LimitExceeded(_)) => return Ok(false),
        Err(e) => return Err(format!("{e:?}")),
    }
    registration.sent.push(threshold);
    store::set(key, registration.encode().as_bytes()).map_err(|e| format!("{e:?}"))?;
    Ok(true)
}

impl Guest for DocumentReminder {
    fn describe(language: String) -> ServiceDescription {
        describe_in(&language)
    }

    fn validate(submission: Submission) -> Vec<FieldError> {
        check(&submission)
    }

    fn submit(submission: Submission) -> Outcome {
        let errors = check(&submission);
        if !errors.is_empty() {
            return Outcome::Rejected(errors);
        }
        let lang = chosen(&submission.language, LANGUAGES);
        register(&submission).unwrap_or_else(|e| {
            log::write(log::Level::Error, &format!("registration failed: {e}"));
            Outcome::Rejected(vec![error(
                "document",
                pick(lang, &[
                    ("en", "the registration could not be saved; please try again"),
                    ("nl", "de registratie kon niet worden opgeslagen; probeer het opnieuw"),
                    ("it", "non è stato possibile salvare la registrazione; riprova"),
                    ("es", "no se ha podido guardar el registro; inténtelo de nuevo"),
                    ("de", "die Registrierung konnte nicht gespeichert werden; bitte versuchen Sie es erneut"),
                    ("fr", "l'enregistrement n'a pas pu être sauvegardé ; veuillez réessayer"),
                ]),
            )])
        })
    }

    fn on_case_event(_event: CaseEvent) -> Result<(), String> {
        Ok(())
    }

    /// Sends the reminders that are due; when the host's message quota is used up, keeps what
    /// was sent and leaves the rest for the next tick.
    fn tick(now: Timestamp) -> Result<(), String> {
        let thresholds = remind_days(config::get("remind-days"));
        let today = day_of(now);
        entries::each("doc/", |key, value| {
            let Some(mut registration) = Registration::decode(&value) else {
                return Ok(true);
            };
            let days_left = days_between(today, registration.expires_on);
            if days_left < 0 {
                store::delete(key).map_err(|e| format!("{e:?}"))?;
            } else if let Some(threshold) = due_reminder(&thresholds, &registration.sent, days_left)
            {
                // Larger thresholds already passed count as sent: one message per tick at most.
                let passed: Vec<i64> = thresholds
                    .iter()
                    .copied()
                    .filter(|t| *t > threshold && !registration.sent.contains(t))
                    .collect();
                registration.sent.extend(passed);
                return remind(key, &mut registration, days_left, threshold);
            }
            Ok(true)
        })
    }
}

impl Forget for DocumentReminder {
    /// Removes every registration made by the erased citizen, or sent to one of their verified
    /// contacts (matched exactly), and nothing else.
    fn forget(subject: Subject) -> Result<(), String> {
        let theirs = |r: &Registration| {
            (!r.owner.is_empty() && subject.ids.contains(&r.owner))
                || r.contact
                    .email
                    .as_ref()
                    .is_some_and(|e| subject.emails.contains(&e.to_lowercase()))
                || r.contact
                    .phone
                    .as_ref()
                    .is_some_and(|p| subject.phones.contains(p))
        };
        entries::each("doc/", |key, value| {
            if Registration::decode(&value).is_some_and(|r| theirs(&r)) {
                store::delete(key).map_err(|e| format!("{e:?}"))?;
            }
            Ok(true)
        })
    }
}

carmen_sdk::export!(DocumentReminder);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_go_at_30_and_7_days_each_once() {
        let t = remind_days(None);
        assert_eq!(t, vec![30, 7]);
        assert_eq!(due_reminder(&t, &[], 45), None);
        assert_eq!(due_reminder(&t, &[], 30), Some(30));
        assert_eq!(due_reminder(&t, &[30], 29), None);
        assert_eq!(due_reminder(&t, &[30], 7), Some(7));
        assert_eq!(due_reminder(&t, &[30, 7], 3), None);
        assert_eq!(due_reminder(&t, &[], 5), Some(7));
        assert_eq!(due_reminder(&t, &[], -1), None);
    }

    #[test]
    fn remind_days_are_configurable_and_sane() {
        assert_eq!(remind_days(Some("7, 60,x,0".into())), vec![60, 7]);
        assert_eq!(remind_days(Some("".into())), vec![30, 7]);
    }

    #[test]
    fn errors_speak_the_submissions_language() {
        let submission = Submission {
            language: "de".into(),
            fields: vec![FieldValue {
                code: "expires-on".into(),
                values: vec!["soon".into()],
            }],
            description: None,
            location: None,
            contact: None,
            received_at: 0,
        };
        let messages: Vec<String> = check(&submission).into_iter().map(|e| e.message).collect();
        assert_eq!(
            messages,
            [
                "wählen Sie die Art des Dokuments aus",
                "geben Sie das Ablaufdatum im Format JJJJ-MM-TT an",
                "geben Sie eine E-Mail-Adresse oder eine Telefonnummer für die Erinnerung an",
            ]
        );
    }

    #[test]
    fn describe_answers_in_italian() {
        let d = describe_in("it");
        assert_eq!(d.language, "it");
        assert_ne!(d.name, describe_in("en").name);
    }
}
