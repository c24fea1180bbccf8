//! `street-issue`: report a pothole, a broken street light, graffiti or illegal dumping.
//! Opens a case routed to the department for the category, with a priority by category and a
//! due date from the category's SLA; departments and SLAs can be changed in the install's config.

use carmen_sdk::dates::spell_days;
use carmen_sdk::form::{choices, error, field};
use carmen_sdk::text::{chosen, pick};
use carmen_sdk::*;

struct StreetIssue;

/// One category of street issue with its routing defaults.
struct Category {
    key: &'static str,
    names: &'static [(&'static str, &'static str)],
    department: &'static str,
    priority: Priority,
    sla_hours: u32,
}

const CATEGORIES: &[Category] = &[
    Category {
        key: "pothole",
        names: &[
            ("en", "Pothole"),
            ("nl", "Gat in de weg"),
            ("it", "Buca stradale"),
            ("es", "Bache"),
            ("de", "Schlagloch"),
            ("fr", "Nid-de-poule"),
        ],
        department: "roads",
        priority: Priority::High,
        sla_hours: 72,
    },
    Category {
        key: "street-light",
        names: &[
            ("en", "Broken street light"),
            ("nl", "Kapotte straatlantaarn"),
            ("it", "Lampione guasto"),
            ("es", "Farola averiada"),
            ("de", "Defekte Straßenlaterne"),
            ("fr", "Lampadaire en panne"),
        ],
        department: "public-lighting",
        priority: Priority::Normal,
        sla_hours: 120,
    },
    Category {
        key: "graffiti",
        names: &[
            ("en", "Graffiti"),
            ("nl", "Graffiti"),
            ("it", "Graffiti"),
            ("es", "Grafitis"),
            ("de", "Graffiti"),
            ("fr", "Graffitis"),
        ],
        department: "cleaning",
        priority: Priority::Low,
        sla_hours: 240,
    },
    Category {
        key: "illegal-dumping",
        names: &[
            ("en", "Illegal dumping"),
            ("nl", "Illegaal gestort afval"),
            ("it", "Abbandono di rifiuti"),
            ("es", "Vertido ilegal de residuos"),
            ("de", "Illegale Müllablagerung"),
            ("fr", "Dépôt sauvage de déchets"),
        ],
        department: "cleaning",
        priority: Priority::Normal,
        sla_hours: 48,
    },
];

const LANGUAGES: &[&str] = &["en", "nl", "it", "es", "de", "fr"];

fn category(key: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.key == key)
}

/// The install's setting `key`, when the `config` capability is granted and the value parses.
fn setting(key: &str) -> Option<String> {
    config::get(key)
}

fn department_for(cat: &Category) -> String {
    setting(&format!("department.{}", cat.key)).unwrap_or_else(|| cat.department.to_string())
}

/// The department as a citizen reads it in a sentence ("the roads department"); a department the
/// city named itself is "the responsible office", never its code.
fn department_in_sentence(code: &str, language: &str) -> &'static str {
    let texts: &[(&str, &'static str)] = match code {
        "roads" => &[
            ("en", "the roads department"),
            ("nl", "de afdeling wegen"),
            ("it", "all'ufficio strade"),
            ("es", "al departamento de vías públicas"),
            ("de", "das Straßenbauamt"),
            ("fr", "au service de la voirie"),
        ],
        "public-lighting" => &[
            ("en", "the public lighting department"),
            ("nl", "de afdeling openbare verlichting"),
            ("it", "all'ufficio illuminazione pubblica"),
            ("es", "al departamento de alumbrado público"),
            ("de", "die Abteilung Straßenbeleuchtung"),
            ("fr", "au service de l'éclairage public"),
        ],
        "cleaning" => &[
            ("en", "the street cleaning department"),
            ("nl", "de afdeling reiniging"),
            ("it", "all'ufficio igiene urbana"),
            ("es", "al departamento de limpieza viaria"),
            ("de", "die Stadtreinigung"),
            ("fr", "au service de la propreté"),
        ],
        _ => &[
            ("en", "the responsible office"),
            ("nl", "de verantwoordelijke afdeling"),
            ("it", "all'ufficio competente"),
            ("es", "al departamento responsable"),
            ("de", "die zuständige Stelle"),
            ("fr", "au service compétent"),
        ],
    };
    pick(language, texts)
}

fn sla_hours_for(cat: &Category) -> u32 {
    setting(&format!("sla-hours.{}", cat.key))
        .and_then(|v| v.parse().ok())
        .unwrap_or(cat.sla_hours)
}

/// Search words in `language` (one of `LANGUAGES`).
fn keywords(language: &str) -> &'static [&'static str] {
    match language {
        "nl" => &["gat in de weg", "straatlantaarn", "graffiti", "afval"],
        "it" => &["buca", "lampione", "graffiti", "rifiuti"],
        "es" => &["bache", "farola", "grafitis", "vertido"],
        "de" => &["Schlagloch", "Straßenlaterne", "Graffiti", "Müll"],
        "fr" => &["nid-de-poule", "lampadaire", "graffitis", "dépôt sauvage"],
        _ => &["pothole", "street light", "graffiti", "dumping"],
    }
}

fn describe_in(language: &str) -> ServiceDescription {
    let lang = chosen(language, LANGUAGES);
    let category_choices: Vec<(&str, &str)> = CATEGORIES
        .iter()
        .map(|c| (c.key, pick(lang, c.names)))
        .collect();
    ServiceDescription {
        code: "street-issue".into(),
        name: pick(lang, &[
            ("en", "Report a street issue"),
            ("nl", "Meld een probleem op straat"),
            ("it", "Segnala un problema in strada"),
            ("es", "Comunicar un problema en la calle"),
            ("de", "Problem auf der Straße melden"),
            ("fr", "Signaler un problème dans la rue"),
        ])
        .into(),
        description: pick(lang, &[
            ("en", "Report a pothole, a broken street light, graffiti or illegal dumping; the right team is told at once."),
            ("nl", "Meld een gat in de weg, een kapotte lantaarn, graffiti of illegaal gestort afval; het juiste team hoort het meteen."),
            ("it", "Segnala una buca, un lampione guasto, dei graffiti o rifiuti abbandonati: la squadra giusta viene avvisata subito."),
            ("es", "Comunique un bache, una farola averiada, grafitis o un vertido ilegal de residuos; el equipo adecuado recibe el aviso de inmediato."),
            ("de", "Melden Sie ein Schlagloch, eine defekte Straßenlaterne, Graffiti oder illegal abgelagerten Müll; das zuständige Team wird sofort informiert."),
            ("fr", "Signalez un nid-de-poule, un lampadaire en panne, des graffitis ou un dépôt sauvage de déchets ; l'équipe compétente est prévenue immédiatement."),
        ])
        .into(),
        group: pick(lang, &[
            ("en", "Streets"),
            ("nl", "Straat"),
            ("it", "Strade"),
            ("es", "Vía pública"),
            ("de", "Straßen"),
            ("fr", "Voirie"),
        ])
        .into(),
        keywords: keywords(lang).iter().map(|k| (*k).into()).collect(),
        department: "roads".into(),
        sla_hours: 72,
        fields: vec![
            field(
                "category",
                pick(lang, &[
                    ("en", "What is the problem?"),
                    ("nl", "Wat is het probleem?"),
                    ("it", "Qual è il problema?"),
                    ("es", "¿Cuál es el problema?"),
                    ("de", "Was ist das Problem?"),
                    ("fr", "Quel est le problème ?"),
                ]),
                pick(lang, &[
                    ("en", "Pick the closest match."),
                    ("nl", "Kies wat het best past."),
                    ("it", "Scegli l'opzione più adatta."),
                    ("es", "Elija la opción que mejor se ajuste."),
                    ("de", "Wählen Sie die passendste Angabe."),
                    ("fr", "Choisissez ce qui correspond le mieux."),
                ]),
                true,
                1,
                Datatype::SingleValueList(choices(&category_choices)),
            ),
            field(
                "photo-url",
                pick(lang, &[
                    ("en", "Link to a photo online"),
                    ("nl", "Link naar een foto online"),
                    ("it", "Link a una foto online"),
                    ("es", "Enlace a una foto en línea"),
                    ("de", "Link zu einem Foto im Netz"),
                    ("fr", "Lien vers une photo en ligne"),
                ]),
                pick(lang, &[
                    ("en", "A link to a photo (https://...)."),
                    ("nl", "Een link naar een foto (https://...)."),
                    ("it", "Un link a una foto (https://...)."),
                    ("es", "Un enlace a una foto (https://...)."),
                    ("de", "Ein Link zu einem Foto (https://...)."),
                    ("fr", "Un lien vers une photo (https://...)."),
                ]),
                false,
                2,
                Datatype::String,
            ),
        ],
        location: Need::Required,
        contact: Need::Optional,
        language: lang.into(),
    }
}

fn check(submission: &Submission) -> Vec<FieldError> {
    let lang = chosen(&submission.language, LANGUAGES);
    let mut errors = Vec::new();
    match submission.value("category") {
        Some(key) if category(key).is_some() => {}
        Some(key) => {
            let message = match lang {
                "nl" => format!("onbekende categorie {key:?}"),
                "it" => format!("categoria sconosciuta {key:?}"),
                "es" => format!("categoría desconocida {key:?}"),
                "de" => format!("unbekannte Kategorie {key:?}"),
                "fr" => format!("catégorie inconnue {key:?}"),
                _ => format!("unknown category {key:?}"),
            };
            errors.push(error("category", message))
        }
        None => errors.push(error(
            "category",
            pick(
                lang,
                &[
                    ("en", "choose what the problem is"),
                    ("nl", "kies wat het probleem is"),
                    ("it", "scegli qual è il problema"),
                    ("es", "elija cuál es el problema"),
                    ("de", "wählen Sie aus, um welches Problem es sich handelt"),
                    ("fr", "choisissez le type de problème"),
                ],
            ),
        )),
    }
    if let Some(url) = submission.value("photo-url") {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > 10
            && !url.contains(char::is_whitespace);
        if !ok {
            errors.push(error(
                "photo-url",
                pick(
                    lang,
                    &[
                        ("en", "give a web link to the photo, starting with https://"),
                        (
                            "nl",
                            "geef een weblink naar de foto, die begint met https://",
                        ),
                        ("it", "indica un link web alla foto, che inizi con https://"),
                        (
                            "es",
                            "indique un enlace web a la foto que empiece por https://",
                        ),
                        (
                            "de",
                            "geben Sie einen Weblink zum Foto an, der mit https:// beginnt",
                        ),
                        (
                            "fr",
                            "indiquez un lien web vers la photo, commençant par https://",
                        ),
                    ],
                ),
            ));
        }
    }
    let located = submission.location.as_ref().is_some_and(|l| {
        (l.latitude.is_some() && l.longitude.is_some())
            || l.address.as_deref().is_some_and(|a| !a.trim().is_empty())
    });
    if !located {
        errors.push(error(
            "location",
            pick(
                lang,
                &[
                    ("en", "say where it is: a point on the map or an address"),
                    (
                        "nl",
                        "geef aan waar het is: een punt op de kaart of een adres",
                    ),
                    (
                        "it",
                        "indica dove si trova: un punto sulla mappa o un indirizzo",
                    ),
                    (
                        "es",
                        "indique dónde está: un punto en el mapa o una dirección",
                    ),
                    (
                        "de",
                        "geben Sie an, wo es ist: einen Punkt auf der Karte oder eine Adresse",
                    ),
                    (
                        "fr",
                        "indiquez où cela se trouve : un point sur la carte ou une adresse",
                    ),
                ],
            ),
        ));
    }
    errors
}

/// Where the issue is, for the case title: the address, the map point, or empty when unknown.
fn place(location: &Option<Location>) -> String {
    match location {
        Some(Location {
            address: Some(address),
            ..
        }) if !address.trim().is_empty() => address.trim().to_string(),
        Some(Location {
            latitude: Some(lat),
            longitude: Some(lon),
            ..
        }) => format!("{lat:.5}, {lon:.5}"),
        _ => String::new(),
    }
}

/// The case title in `language`: the category's name and where it is (`place`, empty if unknown).
fn title(language: &str, name: &str, place: &str) -> String {
    let place = Some(place).filter(|p| !p.is_empty());
    match (language, place) {
        ("nl", Some(place)) => format!("{name} bij {place}"),
        ("nl", None) => format!("{name} op een onbekende plek"),
        ("it", Some(place)) => format!("{name} in {place}"),
        ("it", None) => format!("{name} in un luogo sconosciuto"),
        ("es", Some(place)) => format!("{name} en {place}"),
        ("es", None) => format!("{name} en un lugar desconocido"),
        ("de", Some(place)) => format!("{name}: {place}"),
        ("de", None) => format!("{name}: unbekannter Ort"),
        ("fr", Some(place)) => format!("{name} : {place}"),
        ("fr", None) => format!("{name} : lieu inconnu"),
        (_, Some(place)) => format!("{name} at {place}"),
        (_, None) => format!("{name} at an unknown place"),
    }
}

fn open_case(submission: &Submission) -> Outcome {
    let errors = check(submission);
    if !errors.is_empty() {
        return Outcome::Rejected(errors);
    }
    let cat = category(submission.value("category").unwrap_or_default()).expect("checked above");
    let lang = chosen(&submission.language, LANGUAGES);
    let name = pick(lang, cat.names);
    let where_ = place(&submission.location);
    let sla_hours = sla_hours_for(cat);
    let department = department_for(cat);
    let mut description = submission.description.clone().unwrap_or_default();
    if let Some(url) = submission.value("photo-url") {
        let photo = pick(
            lang,
            &[
                ("en", "Photo:"),
                ("nl", "Foto:"),
                ("it", "Foto:"),
                ("es", "Foto:"),
                ("de", "Foto:"),
                ("fr", "Photo :"),
            ],
        );
        description.push_str(&format!("\n\n{photo} {url}"));
    }
    let days = spell_days(i64::from(sla_hours.div_ceil(24)), lang, true);
    let to = department_in_sentence(&department, lang);
    let notice = match lang {
        "nl" => format!(
            "Bedankt. Uw melding ({name}) is doorgestuurd naar {to}; we streven ernaar dit binnen {days} op te lossen."
        ),
        "it" => format!(
            "Grazie. La tua segnalazione ({name}) è stata inoltrata {to}; ci impegniamo a risolvere il problema entro {days}."
        ),
        "es" => format!(
            "Gracias. Su aviso ({name}) se ha enviado {to}; nuestro objetivo es resolverlo en un plazo de {days}."
        ),
        "de" => format!(
            "Vielen Dank. Ihre Meldung ({name}) wurde an {to} weitergeleitet; wir bemühen uns, das Problem innerhalb von {days} zu beheben."
        ),
        "fr" => format!(
            "Merci. Votre signalement ({name}) a été transmis {to} ; nous nous efforçons de régler le problème sous {days}."
        ),
        _ => {
            format!("Thank you. Your report ({name}) went to {to}; we aim to fix it within {days}.")
        }
    };
    Outcome::Opened(CaseDraft {
        title: title(lang, name, &where_),
        description: description.trim().to_string(),
        priority: cat.priority,
        location: submission.location.clone(),
        department: Some(department),
        due: Some(submission.received_at + i64::from(sla_hours) * 3600),
        notice: Some(notice),
    })
}

impl Guest for StreetIssue {
    fn describe(language: String) -> ServiceDescription {
        describe_in(&language)
    }

    fn validate(submission: Submission) -> Vec<FieldError> {
        check(&submission)
    }

    fn submit(submission: Submission) -> Outcome {
        open_case(&submission)
    }

    fn on_case_event(event: CaseEvent) -> Result<(), String> {
        if let CaseChange::StatusChanged((from, to)) = event.change {
            log::write(
                log::Level::Info,
                &format!("case {} moved from {from:?} to {to:?}", event.case.id),
            );
        }
        Ok(())
    }

    fn tick(_now: Timestamp) -> Result<(), String> {
        Ok(())
    }
}

/// A report keeps nothing about its citizen in the service: the host holds the contact details and
/// erases them itself.
impl Forget for StreetIssue {
    fn forget(_subject: Subject) -> Result<(), String> {
        Ok(())
    }
}

carmen_sdk::export!(StreetIssue);

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(fields: &[(&str, &str)], location: Option<Location>) -> Submission {
        Submission {
            language: "en".into(),
            fields: fields
                .iter()
                .map(|(c, v)| FieldValue {
                    code: c.to_string(),
                    values: vec![v.to_string()],
                })
                .collect(),
            description: Some("Deep hole".into()),
            location,
            contact: None,
            received_at: 1_000_000,
        }
    }

    fn at_address() -> Option<Location> {
        Some(Location {
            latitude: None,
            longitude: None,
            address: Some("Main Street 1".into()),
        })
    }

    #[test]
    fn describe_offers_every_category_in_the_requested_language() {
        let d = describe_in("nl");
        assert_eq!(d.language, "nl");
        assert_eq!(d.code, "street-issue");
        let Datatype::SingleValueList(choices) = &d.fields[0].datatype else {
            panic!("category is a list")
        };
        assert_eq!(choices.len(), CATEGORIES.len());
        assert_eq!(choices[0].name, "Gat in de weg");
        // A language the plugin does not speak falls back to English.
        assert_eq!(describe_in("pt").language, "en");
    }

    #[test]
    fn describe_answers_in_italian() {
        let d = describe_in("it");
        assert_eq!(d.language, "it");
        assert_ne!(d.name, describe_in("en").name);
    }

    #[test]
    fn check_requires_a_known_category_a_place_and_a_web_link() {
        let errors = check(&submission(
            &[("category", "meteor"), ("photo-url", "file:///etc/passwd")],
            None,
        ));
        let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["category", "photo-url", "location"]);
        assert!(check(&submission(&[("category", "pothole")], at_address())).is_empty());
    }

    #[test]
    fn category_sets_priority_and_place_names_the_address() {
        let cat = category("graffiti").unwrap();
        assert_eq!(cat.priority, Priority::Low);
        assert_eq!(place(&at_address()), "Main Street 1");
        let coords = Some(Location {
            latitude: Some(52.1),
            longitude: Some(4.3),
            address: None,
        });
        assert_eq!(place(&coords), "52.10000, 4.30000");
    }

    #[test]
    fn titles_and_errors_speak_the_submissions_language() {
        assert_eq!(
            title("en", "Pothole", "Main Street 1"),
            "Pothole at Main Street 1"
        );
        assert_eq!(
            title("it", "Buca stradale", "Via Roma 1"),
            "Buca stradale in Via Roma 1"
        );
        assert_eq!(title("de", "Schlagloch", ""), "Schlagloch: unbekannter Ort");
        let mut italian = submission(&[("photo-url", "ftp://x")], None);
        italian.language = "it-IT".into();
        let messages: Vec<String> = check(&italian).into_iter().map(|e| e.message).collect();
        assert_eq!(
            messages,
            [
                "scegli qual è il problema",
                "indica un link web alla foto, che inizi con https://",
                "indica dove si trova: un punto sulla mappa o un indirizzo",
            ]
        );
    }
}
