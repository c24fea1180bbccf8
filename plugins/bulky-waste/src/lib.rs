//! `bulky-waste`: book a bulky-waste pickup. Books the earliest collection day with free capacity
//! in the booking window and answers at once with the day and a reference. Only whoever made a
//! booking can cancel it — signed in, or presenting the booking request's secret — which frees the
//! slot. Bookings are kept in the service's `store` under their maker's requester id; an erased
//! citizen's bookings are cancelled.

use carmen_sdk::dates::{day_of, format_day, parse_day, spell_day, spell_days};
use carmen_sdk::form::{choices, error, field};
use carmen_sdk::text::{chosen, pick};
use carmen_sdk::*;
use time::{Date, Duration, Weekday};

mod booking;
mod waste_system;
use booking::Booking;
use waste_system::Booked;

struct BulkyWaste;

const LANGUAGES: &[&str] = &["en", "nl", "it", "es", "de", "fr"];
/// A text in each language, as `(language, text)` pairs.
type Names = &'static [(&'static str, &'static str)];
/// The items that can be picked up: their key and their name in each language.
const ITEMS: &[(&str, Names)] = &[
    (
        "sofa",
        &[
            ("en", "Sofa"),
            ("nl", "Bank"),
            ("it", "Divano"),
            ("es", "Sofá"),
            ("de", "Sofa"),
            ("fr", "Canapé"),
        ],
    ),
    (
        "mattress",
        &[
            ("en", "Mattress"),
            ("nl", "Matras"),
            ("it", "Materasso"),
            ("es", "Colchón"),
            ("de", "Matratze"),
            ("fr", "Matelas"),
        ],
    ),
    (
        "wardrobe",
        &[
            ("en", "Wardrobe"),
            ("nl", "Kledingkast"),
            ("it", "Armadio"),
            ("es", "Armario"),
            ("de", "Kleiderschrank"),
            ("fr", "Armoire"),
        ],
    ),
    (
        "fridge",
        &[
            ("en", "Fridge or freezer"),
            ("nl", "Koelkast of vriezer"),
            ("it", "Frigorifero o congelatore"),
            ("es", "Frigorífico o congelador"),
            ("de", "Kühlschrank oder Gefriergerät"),
            ("fr", "Réfrigérateur ou congélateur"),
        ],
    ),
    (
        "washing-machine",
        &[
            ("en", "Washing machine"),
            ("nl", "Wasmachine"),
            ("it", "Lavatrice"),
            ("es", "Lavadora"),
            ("de", "Waschmaschine"),
            ("fr", "Lave-linge"),
        ],
    ),
    (
        "other",
        &[
            ("en", "Other large item"),
            ("nl", "Ander groot voorwerp"),
            ("it", "Altro oggetto ingombrante"),
            ("es", "Otro objeto voluminoso"),
            ("de", "Anderer großer Gegenstand"),
            ("fr", "Autre objet encombrant"),
        ],
    ),
];

/// Search words in `language` (one of `LANGUAGES`).
fn keywords(language: &str) -> &'static [&'static str] {
    match language {
        "nl" => &["grofvuil", "ophalen", "meubels"],
        "it" => &["ingombranti", "ritiro", "mobili"],
        "es" => &["enseres", "recogida", "muebles"],
        "de" => &["Sperrmüll", "Abholung", "Möbel"],
        "fr" => &["encombrants", "enlèvement", "meubles"],
        _ => &["bulky waste", "pickup", "furniture", "grofvuil"],
    }
}

/// The name of the day of the week in `language`.
fn weekday_name(day: Weekday, language: &str) -> String {
    let names: [&str; 7] = match language {
        "nl" => [
            "maandag",
            "dinsdag",
            "woensdag",
            "donderdag",
            "vrijdag",
            "zaterdag",
            "zondag",
        ],
        "it" => [
            "lunedì",
            "martedì",
            "mercoledì",
            "giovedì",
            "venerdì",
            "sabato",
            "domenica",
        ],
        "es" => [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
        "de" => [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
        "fr" => [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        _ => return day.to_string(),
    };
    names[usize::from(day.number_days_from_monday())].to_string()
}

/// How the install is set up (from `config`, with the manifest's defaults).
#[derive(Debug, Clone, PartialEq)]
struct Settings {
    capacity_per_day: u32,
    window_days: i64,
    lead_days: i64,
    weekdays: Vec<Weekday>,
}

impl Settings {
    fn from_config(get: impl Fn(&str) -> Option<String>) -> Settings {
        let number = |key: &str, default: i64| {
            get(key)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(default)
        };
        let weekdays = get("pickup-weekdays")
            .map(|v| {
                v.split(',')
                    .filter_map(|d| weekday(d.trim()))
                    .collect::<Vec<_>>()
            })
            .filter(|days| !days.is_empty())
            .unwrap_or_else(|| {
                vec![
                    Weekday::Monday,
                    Weekday::Tuesday,
                    Weekday::Wednesday,
                    Weekday::Thursday,
                    Weekday::Friday,
                ]
            });
        Settings {
            capacity_per_day: number("capacity-per-day", 20).clamp(0, 10_000) as u32,
            window_days: number("window-days", 28).clamp(1, 365),
            lead_days: number("lead-days", 2).clamp(0, 60),
            weekdays,
        }
    }

    fn current() -> Settings {
        Settings::from_config(config::get)
    }

    /// The days a booking received on `today` may get, earliest first.
    fn candidate_days(&self, today: Date) -> Vec<Date> {
        (self.lead_days..=self.window_days)
            .filter_map(|d| today.checked_add(Duration::days(d)))
            .filter(|day| self.weekdays.contains(&day.weekday()))
            .collect()
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.get(..3)?.to_ascii_lowercase().as_str() {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn describe_in(language: &str) -> ServiceDescription {
    let lang = chosen(language, LANGUAGES);
    let items: Vec<(&str, &str)> = ITEMS
        .iter()
        .map(|(key, names)| (*key, pick(lang, names)))
        .collect();
    ServiceDescription {
        code: "bulky-waste".into(),
        name: pick(lang, &[
            ("en", "Book a bulky-waste pickup"),
            ("nl", "Grofvuil laten ophalen"),
            ("it", "Prenota il ritiro dei rifiuti ingombranti"),
            ("es", "Reservar la recogida de muebles y enseres"),
            ("de", "Sperrmüllabholung buchen"),
            ("fr", "Réserver l'enlèvement d'encombrants"),
        ])
        .into(),
        description: pick(lang, &[
            ("en", "Book a pickup of large household items at your address; you get the day at once."),
            ("nl", "Laat grote huishoudelijke spullen ophalen aan huis; u krijgt meteen de ophaaldag."),
            ("it", "Prenota il ritiro a domicilio di oggetti ingombranti; ricevi subito il giorno del ritiro."),
            ("es", "Reserve la recogida de objetos grandes del hogar en su dirección; sabrá el día de inmediato."),
            ("de", "Buchen Sie die Abholung großer Haushaltsgegenstände an Ihrer Adresse; Sie erfahren sofort den Abholtag."),
            ("fr", "Réservez l'enlèvement de gros objets ménagers à votre adresse ; vous connaissez aussitôt le jour de passage."),
        ])
        .into(),
        group: pick(lang, &[
            ("en", "Waste"),
            ("nl", "Afval"),
            ("it", "Rifiuti"),
            ("es", "Residuos"),
            ("de", "Abfall"),
            ("fr", "Déchets"),
        ])
        .into(),
        keywords: keywords(lang).iter().map(|k| (*k).into()).collect(),
        department: "waste".into(),
        sla_hours: 0,
        fields: vec![
            field(
                "items",
                pick(lang, &[
                    ("en", "What should we pick up?"),
                    ("nl", "Wat moeten we ophalen?"),
                    ("it", "Cosa dobbiamo ritirare?"),
                    ("es", "¿Qué debemos recoger?"),
                    ("de", "Was sollen wir abholen?"),
                    ("fr", "Que devons-nous enlever ?"),
                ]),
                pick(lang, &[
                    ("en", "Choose every kind of item."),
                    ("nl", "Kies elk soort voorwerp."),
                    ("it", "Scegli tutti i tipi di oggetto."),
                    ("es", "Elija todos los tipos de objeto."),
                    ("de", "Wählen Sie alle Arten von Gegenständen."),
                    ("fr", "Choisissez tous les types d'objets."),
                ]),
                false,
                1,
                Datatype::MultiValueList(choices(&items)),
            ),
            field(
                "cancel-reference",
                pick(lang, &[
                    ("en", "Cancel a booking"),
                    ("nl", "Afspraak annuleren"),
                    ("it", "Annulla una prenotazione"),
                    ("es", "Cancelar una reserva"),
                    ("de", "Buchung stornieren"),
                    ("fr", "Annuler une réservation"),
                ]),
                pick(lang, &[
                    ("en", "To cancel, give the booking reference (BW-...) and the same address."),
                    ("nl", "Om te annuleren: geef de referentie (BW-...) en hetzelfde adres."),
                    ("it", "Per annullare, indica il codice della prenotazione (BW-...) e lo stesso indirizzo."),
                    ("es", "Para cancelar, indique la referencia de la reserva (BW-...) y la misma dirección."),
                    ("de", "Zum Stornieren geben Sie die Buchungsnummer (BW-...) und dieselbe Adresse an."),
                    ("fr", "Pour annuler, indiquez la référence de la réservation (BW-...) et la même adresse."),
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

fn address_of(submission: &Submission) -> Option<String> {
    submission
        .location
        .as_ref()?
        .address
        .as_ref()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
}

fn check(submission: &Submission) -> Vec<FieldError> {
    let lang = chosen(&submission.language, LANGUAGES);
    let mut errors = Vec::new();
    if address_of(submission).is_none() {
        errors.push(error(
            "location",
            pick(
                lang,
                &[
                    ("en", "give the address where the items will be put out"),
                    ("nl", "geef het adres waar de spullen buiten worden gezet"),
                    (
                        "it",
                        "indica l'indirizzo dove lascerai gli oggetti per il ritiro",
                    ),
                    (
                        "es",
                        "indique la dirección donde dejará los objetos para la recogida",
                    ),
                    (
                        "de",
                        "geben Sie die Adresse an, an der die Gegenstände bereitgestellt werden",
                    ),
                    ("fr", "indiquez l'adresse où les objets seront déposés"),
                ],
            ),
        ));
    }
    if submission.value("cancel-reference").is_none() {
        let items = submission.values("items");
        if items.is_empty() {
            errors.push(error(
                "items",
                pick(
                    lang,
                    &[
                        ("en", "choose at least one item to pick up"),
                        ("nl", "kies ten minste één voorwerp om op te halen"),
                        ("it", "scegli almeno un oggetto da ritirare"),
                        ("es", "elija al menos un objeto para recoger"),
                        (
                            "de",
                            "wählen Sie mindestens einen Gegenstand zur Abholung aus",
                        ),
                        ("fr", "choisissez au moins un objet à enlever"),
                    ],
                ),
            ));
        }
        for item in items {
            if !ITEMS.iter().any(|(key, _)| key == item) {
                let message = match lang {
                    "nl" => format!("onbekend voorwerp {item:?}"),
                    "it" => format!("oggetto sconosciuto {item:?}"),
                    "es" => format!("objeto desconocido {item:?}"),
                    "de" => format!("unbekannter Gegenstand {item:?}"),
                    "fr" => format!("objet inconnu {item:?}"),
                    _ => format!("unknown item {item:?}"),
                };
                errors.push(error("items", message));
            }
        }
    }
    errors
}

fn day_key(day: Date) -> String {
    format!("day/{}", format_day(day))
}

/// Takes one place on `day` if one is free: true if this call got it. Atomic in the store, so two
/// citizens booking the last place at the same moment never both get it.
fn take_place(day: Date, capacity: u32) -> Result<bool, String> {
    counter::adjust(&day_key(day), 1, capacity.into())
        .map(|taken| taken.is_some())
        .map_err(|e| format!("{e:?}"))
}

/// Gives one place on `day` back.
fn free_place(day: Date) -> Result<(), String> {
    counter::adjust(&day_key(day), -1, u64::MAX)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

fn book(submission: &Submission, lang: &str) -> Result<Outcome, String> {
    let settings = Settings::current();
    let today = day_of(submission.received_at);
    let address = address_of(submission).unwrap_or_default();
    let items = submission.values("items").to_vec();
    let owner = requester::current().submitter.unwrap_or_default();
    let booked = match waste_system::address() {
        Some(base) => {
            let days = settings.candidate_days(today);
            match waste_system::book(&base, &days, &address, &items) {
                Ok(Booked::At(day, reference)) => {
                    let booking = Booking {
                        day,
                        address,
                        items,
                        owner,
                        remote: true,
                    };
                    store::set(&format!("booking/{reference}"), booking.encode().as_bytes())
                        .map_err(|e| format!("{e:?}"))?;
                    Some((day, reference))
                }
                Ok(Booked::Full) => None,
                Err(e) => return Ok(unreachable_system(&e, lang)),
            }
        }
        None => book_here(&settings, today, address, items, owner)?,
    };
    match booked {
        Some((day, reference)) => Ok(booked_answer(day, reference, lang)),
        None => Ok(no_day_free(&settings, lang)),
    }
}

/// What the citizen hears when the city's waste system cannot be reached: nothing was booked.
fn unreachable_system(error: &str, lang: &str) -> Outcome {
    log::write(log::Level::Warn, &format!("the waste system: {error}"));
    Outcome::Rejected(vec![error_of_items(pick(
        lang,
        &[
            (
                "en",
                "the city's booking system is not answering right now; nothing was booked, please try again in a few minutes",
            ),
            (
                "nl",
                "het boekingssysteem van de gemeente antwoordt nu niet; er is niets geboekt, probeer het over een paar minuten opnieuw",
            ),
            (
                "it",
                "il sistema di prenotazione del comune non risponde; nessuna prenotazione è stata fatta, riprova tra qualche minuto",
            ),
            (
                "es",
                "el sistema de reservas del ayuntamiento no responde ahora; no se ha reservado nada, inténtelo de nuevo en unos minutos",
            ),
            (
                "de",
                "das Buchungssystem der Stadt antwortet gerade nicht; es wurde nichts gebucht, bitte versuchen Sie es in ein paar Minuten erneut",
            ),
            (
                "fr",
                "le système de réservation de la ville ne répond pas ; rien n'a été réservé, veuillez réessayer dans quelques minutes",
            ),
        ],
    ))])
}

fn error_of_items(message: &str) -> FieldError {
    error("items", message)
}

/// Books the earliest day with a free place in the service's own calendar.
fn book_here(
    settings: &Settings,
    today: Date,
    address: String,
    items: Vec<String>,
    owner: String,
) -> Result<Option<(Date, String)>, String> {
    for day in settings.candidate_days(today) {
        if take_place(day, settings.capacity_per_day)? {
            let booking = Booking {
                day,
                address,
                items,
                owner,
                remote: false,
            };
            let saved = counter::next_reference("seq", "BW")
                .map_err(|e| format!("{e:?}"))
                .and_then(|reference| {
                    store::set(&format!("booking/{reference}"), booking.encode().as_bytes())
                        .map(|()| reference)
                        .map_err(|e| format!("{e:?}"))
                });
            return match saved {
                Ok(reference) => Ok(Some((day, reference))),
                Err(e) => {
                    // The booking was not saved: give its place back, so the day is not full of
                    // bookings nobody holds.
                    free_place(day)?;
                    Err(e)
                }
            };
        }
    }
    Ok(None)
}

/// The answer for a booking made on `day` under `reference`.
fn booked_answer(day: Date, reference: String, lang: &str) -> Outcome {
    let date = spell_day(day, lang);
    let weekday = weekday_name(day.weekday(), lang);
    let message = match lang {
        "nl" => format!(
            "Uw grofvuil wordt opgehaald op {weekday} {date}. Zet het voor 7:00 uur buiten. Referentie {reference}."
        ),
        "it" => format!(
            "Il ritiro è prenotato per {weekday} {date}. Metti fuori gli oggetti entro le 7:00. Codice {reference}."
        ),
        "es" => format!(
            "Su recogida está reservada para el {weekday} {date}. Saque los objetos antes de las 7:00. Referencia {reference}."
        ),
        "de" => format!(
            "Ihre Abholung ist für {weekday}, den {date}, gebucht. Stellen Sie die Gegenstände bis 7:00 Uhr bereit. Buchungsnummer {reference}."
        ),
        "fr" => format!(
            "Votre enlèvement est réservé pour le {weekday} {date}. Sortez les objets avant 7 h 00. Référence {reference}."
        ),
        _ => format!(
            "Your pickup is booked for {date} ({weekday}). Put the items out by 7:00. Reference {reference}."
        ),
    };
    Outcome::Answered(Answer { reference, message })
}

/// The answer when no day in the window has a free place.
fn no_day_free(settings: &Settings, lang: &str) -> Outcome {
    let message = match lang {
        "nl" => format!(
            "Er is geen ophaaldag vrij in de komende {}; probeer het later opnieuw.",
            spell_days(settings.window_days, lang, true)
        ),
        "it" => format!(
            "Non ci sono giorni di ritiro liberi nei prossimi {}; riprova più tardi.",
            spell_days(settings.window_days, lang, true)
        ),
        "es" => format!(
            "No hay ningún día de recogida libre en los próximos {}; inténtelo de nuevo más tarde.",
            spell_days(settings.window_days, lang, true)
        ),
        "de" => format!(
            "In den nächsten {} ist kein Abholtag frei; bitte versuchen Sie es später noch einmal.",
            spell_days(settings.window_days, lang, true)
        ),
        "fr" => format!(
            "Aucun jour d'enlèvement n'est libre dans les {} prochains {} ; veuillez réessayer plus tard.",
            settings.window_days,
            if settings.window_days == 1 {
                "jour"
            } else {
                "jours"
            }
        ),
        _ => format!(
            "No pickup day is free in the next {}; please try again later.",
            spell_days(settings.window_days, lang, true)
        ),
    };
    Outcome::Rejected(vec![error("items", message)])
}

fn cancel(reference: &str, lang: &str) -> Result<Outcome, String> {
    let key = format!("booking/{}", reference.to_ascii_uppercase());
    let stored = store::get(&key).map_err(|e| format!("{e:?}"))?;
    let Some(booking) = stored.as_deref().and_then(Booking::decode) else {
        return Ok(Outcome::Rejected(vec![error(
            "cancel-reference",
            pick(
                lang,
                &[
                    ("en", "no booking has this reference"),
                    ("nl", "er is geen afspraak met deze referentie"),
                    ("it", "nessuna prenotazione corrisponde a questo codice"),
                    ("es", "no hay ninguna reserva con esta referencia"),
                    ("de", "es gibt keine Buchung mit dieser Buchungsnummer"),
                    ("fr", "aucune réservation ne correspond à cette référence"),
                ],
            ),
        )]));
    };
    // Proof before action: the caller must be whoever made the booking.
    let caller = requester::current();
    if booking.owner.is_empty() || !caller.proven.contains(&booking.owner) {
        let message = match lang {
            "nl" => {
                "alleen wie de afspraak maakte kan haar annuleren: meld u aan, of stuur het geheim van de boeking mee"
            }
            "it" => {
                "solo chi ha fatto la prenotazione può annullarla: accedi, oppure invia il codice segreto della prenotazione"
            }
            "es" => {
                "solo quien hizo la reserva puede cancelarla: inicie sesión o envíe el código secreto de la reserva"
            }
            "de" => {
                "nur wer die Buchung vorgenommen hat, kann sie stornieren: Melden Sie sich an oder senden Sie den Geheimcode der Buchung mit"
            }
            "fr" => {
                "seule la personne qui a fait la réservation peut l'annuler : connectez-vous, ou envoyez le code secret de la réservation"
            }
            _ => {
                "only whoever made this booking can cancel it: sign in, or send the booking's secret"
            }
        };
        return Ok(Outcome::Rejected(vec![error("cancel-reference", message)]));
    }
    // A booking in the city's waste system is cancelled there first: if that fails, it stands.
    if booking.remote {
        let cancelled = waste_system::address()
            .ok_or_else(|| "the booking is in the waste system, which is no longer set".to_string())
            .and_then(|base| waste_system::cancel(&base, &reference.to_ascii_uppercase()));
        if let Err(e) = cancelled {
            return Ok(unreachable_system(&e, lang));
        }
    }
    // Only the call that removes the booking gives its place back: a cancellation sent twice at
    // once frees one place, not two.
    if !store::compare_and_swap(&key, stored.as_deref(), None).map_err(|e| format!("{e:?}"))? {
        return Ok(Outcome::Rejected(vec![error(
            "cancel-reference",
            pick(
                lang,
                &[
                    ("en", "this booking was just cancelled"),
                    ("nl", "deze afspraak is zojuist geannuleerd"),
                    ("it", "questa prenotazione è appena stata annullata"),
                    ("es", "esta reserva se acaba de cancelar"),
                    ("de", "diese Buchung wurde soeben storniert"),
                    ("fr", "cette réservation vient d'être annulée"),
                ],
            ),
        )]));
    }
    if !booking.remote {
        free_place(booking.day)?;
    }
    let date = spell_day(booking.day, lang);
    let message = match lang {
        "nl" => format!("Afspraak {reference} op {date} is geannuleerd; de plek is weer vrij."),
        "it" => format!(
            "La prenotazione {reference} del giorno {date} è annullata; il posto è di nuovo libero."
        ),
        "es" => format!(
            "La reserva {reference} del {date} queda cancelada; la plaza vuelve a estar libre."
        ),
        "de" => format!(
            "Die Buchung {reference} für den {date} ist storniert; der Termin ist wieder frei."
        ),
        "fr" => format!(
            "La réservation {reference} du {date} est annulée ; le créneau est de nouveau libre."
        ),
        _ => format!("Booking {reference} for {date} is cancelled; the slot is free again."),
    };
    Ok(Outcome::Answered(Answer {
        reference: reference.to_ascii_uppercase(),
        message,
    }))
}

impl Guest for BulkyWaste {
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
        let result = match submission.value("cancel-reference") {
            Some(reference) => cancel(reference, lang),
            None => book(&submission, lang),
        };
        result.unwrap_or_else(|e| {
            log::write(log::Level::Error, &format!("booking failed: {e}"));
            Outcome::Rejected(vec![error(
                "items",
                pick(lang, &[
                    ("en", "the booking could not be saved; please try again"),
                    ("nl", "de afspraak kon niet worden opgeslagen; probeer het opnieuw"),
                    ("it", "non è stato possibile salvare la prenotazione; riprova"),
                    ("es", "no se ha podido guardar la reserva; inténtelo de nuevo"),
                    ("de", "die Buchung konnte nicht gespeichert werden; bitte versuchen Sie es erneut"),
                    ("fr", "la réservation n'a pas pu être enregistrée ; veuillez réessayer"),
                ]),
            )])
        })
    }

    fn on_case_event(_event: CaseEvent) -> Result<(), String> {
        Ok(())
    }

    fn tick(now: Timestamp) -> Result<(), String> {
        // Forget day counters of days gone by.
        let today = day_of(now);
        entries::each("day/", |key, _| {
            if parse_day(&key["day/".len()..]).is_some_and(|day| day < today) {
                store::delete(key).map_err(|e| format!("{e:?}"))?;
            }
            Ok(true)
        })
    }
}

impl Forget for BulkyWaste {
    /// Cancels every booking the erased citizen made, giving their places back, and nothing else.
    fn forget(subject: Subject) -> Result<(), String> {
        entries::each("booking/", |key, value| {
            if let Some(booking) = Booking::decode(&value)
                && !booking.owner.is_empty()
                && subject.ids.contains(&booking.owner)
            {
                if booking.remote {
                    let base = waste_system::address()
                        .ok_or("a booking is in the waste system, which is no longer set")?;
                    waste_system::cancel(&base, &key["booking/".len()..])?;
                } else {
                    free_place(booking.day)?;
                }
                store::delete(key).map_err(|e| format!("{e:?}"))?;
            }
            Ok(true)
        })
    }
}

carmen_sdk::export!(BulkyWaste);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn settings_come_from_config_with_defaults() {
        let s = Settings::from_config(|k| match k {
            "capacity-per-day" => Some("3".into()),
            "pickup-weekdays" => Some("sat, sun".into()),
            _ => None,
        });
        assert_eq!(s.capacity_per_day, 3);
        assert_eq!(s.window_days, 28);
        assert_eq!(s.weekdays, vec![Weekday::Saturday, Weekday::Sunday]);
    }

    #[test]
    fn candidate_days_respect_lead_window_and_weekdays() {
        let s = Settings::from_config(|_| None);
        // 2026-11-28 is a Saturday: lead 2 days means Monday 30 November first.
        let days = s.candidate_days(date!(2026 - 11 - 28));
        assert_eq!(days[0], date!(2026 - 11 - 30));
        assert!(
            days.iter()
                .all(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
        );
        assert_eq!(*days.last().unwrap(), date!(2026 - 12 - 25));
    }

    #[test]
    fn describe_answers_in_italian() {
        let d = describe_in("it");
        assert_eq!(d.language, "it");
        assert_ne!(d.name, describe_in("en").name);
        let Datatype::MultiValueList(items) = &d.fields[0].datatype else {
            panic!("items is a list")
        };
        let names: Vec<&str> = items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names[..2], ["Divano", "Materasso"]);
        assert_eq!(items[0].key, "sofa");
    }

    #[test]
    fn errors_and_weekdays_speak_the_submissions_language() {
        let submission = Submission {
            language: "fr".into(),
            fields: vec![FieldValue {
                code: "items".into(),
                values: vec!["piano".into()],
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
                "indiquez l'adresse où les objets seront déposés",
                "objet inconnu \"piano\""
            ]
        );
        assert_eq!(weekday_name(Weekday::Monday, "en"), "Monday");
        assert_eq!(weekday_name(Weekday::Sunday, "it"), "domenica");
    }
}
