//! A service's form, generated from its plugin's description: every datatype of the contract,
//! required marks, help, the citizen's answers kept and each error beside its field; and the
//! posted form read back into a request.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::csrf;
use crate::contract::types::{Datatype, Field, FieldError, Need, ServiceDescription};
use crate::i18n::Texts;
use crate::runtime::form::RequestInput;
use crate::runtime::types::{Contact, Location, Map};

/// The prefix of a service field's input name (`field.category`), apart from the host's own.
const FIELD_PREFIX: &str = "field.";

/// What a citizen typed into the form, as posted.
#[derive(Default)]
pub struct Entered {
    fields: BTreeMap<String, Vec<String>>,
    description: String,
    address: String,
    latitude: String,
    longitude: String,
    name: String,
    email: String,
    phone: String,
    on_behalf: String,
    csrf: Option<String>,
}

impl Entered {
    /// The posted name-value pairs; a name repeats for each box ticked of a multi-value list.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Entered {
        let mut entered = Entered::default();
        for (name, value) in pairs {
            if let Some(code) = name.strip_prefix(FIELD_PREFIX) {
                entered
                    .fields
                    .entry(code.to_string())
                    .or_default()
                    .push(value);
                continue;
            }
            let slot = match name.as_str() {
                "description" => &mut entered.description,
                "address" => &mut entered.address,
                "latitude" => &mut entered.latitude,
                "longitude" => &mut entered.longitude,
                "name" => &mut entered.name,
                "email" => &mut entered.email,
                "phone" => &mut entered.phone,
                "on_behalf" => &mut entered.on_behalf,
                csrf::FIELD => {
                    entered.csrf = Some(value);
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        entered
    }

    /// A new form's contact fields filled in from a signed-in citizen's account.
    pub fn with_contact(name: &str, email: Option<&str>, phone: Option<&str>) -> Entered {
        Entered {
            name: name.to_string(),
            email: email.unwrap_or_default().to_string(),
            phone: phone.unwrap_or_default().to_string(),
            ..Entered::default()
        }
    }

    /// The CSRF token the form carried.
    pub fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }

    /// The request these answers make, and what is wrong in them before any check of the
    /// service's (coordinates that are no numbers are left out, with their error).
    pub fn request(&self, t: Texts) -> (RequestInput, Vec<FieldError>) {
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let coordinate = |s: &str| -> Result<Option<f64>, ()> {
            match given(s) {
                None => Ok(None),
                Some(s) => s.replace(',', ".").parse::<f64>().map(Some).map_err(|_| ()),
            }
        };
        let mut found = Vec::new();
        let (latitude, longitude) = match (coordinate(&self.latitude), coordinate(&self.longitude))
        {
            (Ok(lat), Ok(lon)) => (lat, lon),
            _ => {
                found.push(FieldError {
                    code: "location".into(),
                    message: t.t("form-error-coordinates"),
                });
                (None, None)
            }
        };
        let location = Location {
            latitude,
            longitude,
            address: given(&self.address),
        };
        let contact = Contact {
            name: given(&self.name),
            email: given(&self.email),
            phone: given(&self.phone),
        };
        let fields = self
            .fields
            .iter()
            .map(|(code, values)| {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                (code.clone(), values)
            })
            .filter(|(_, values)| !values.is_empty())
            .collect();
        let input = RequestInput {
            fields,
            description: given(&self.description),
            location: (location.latitude.is_some()
                || location.longitude.is_some()
                || location.address.is_some())
            .then_some(location),
            contact: (contact.name.is_some() || contact.email.is_some() || contact.phone.is_some())
                .then_some(contact),
            language: t.language.to_string(),
            citizen: None,
            secrets: Vec::new(),
            organisation_id: self.on_behalf.trim().parse().ok(),
            photos: Vec::new(),
        };
        (input, found)
    }

    fn values(&self, code: &str) -> &[String] {
        self.fields.get(code).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Reads a posted form, as `application/x-www-form-urlencoded` or as `multipart/form-data` (with
/// the photos' files, empty file inputs left out); a body that is neither is refused with a status.
/// What a posted form held: the entered values, the photos kept (each cut at one byte over the
/// largest allowed, so that a refusal can say why), the place in the photo pool's line they were
/// read under, and whether photos were sent that were not kept (no place: read past, never held).
pub struct Posted {
    pub entered: Entered,
    pub files: Vec<Vec<u8>>,
    pub place: Option<crate::runtime::photos::PhotoPlace>,
    pub skipped_files: bool,
}

/// Whether `request` posts a form with files.
pub fn is_multipart(request: &axum::extract::Request) -> bool {
    request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The most a form's text may take, all fields together.
const MAX_TEXT_BYTES: usize = 256 * 1024;
/// The most parts a posted form may have.
const MAX_PARTS: usize = 200;

/// Reads a posted form, holding no more than it may: its text up to `MAX_TEXT_BYTES` (more is
/// 413), and photos only once `place_for_photos` gave a place in the photo pool's line, taken at
/// the first photo byte, at most `MAX_PHOTOS` of at most `MAX_PHOTO_BYTES` + 1 bytes each.
pub async fn read_posted(
    request: axum::extract::Request,
    place_for_photos: impl FnOnce() -> Option<crate::runtime::photos::PhotoPlace>,
) -> Result<Posted, axum::http::StatusCode> {
    use crate::runtime::photos::{MAX_PHOTO_BYTES, MAX_PHOTOS};
    use axum::extract::{FromRequest, Multipart};
    use axum::http::StatusCode;
    let too_large = StatusCode::PAYLOAD_TOO_LARGE;
    if !is_multipart(&request) {
        use http_body_util::BodyExt;
        let (parts, mut body) = request.into_parts();
        // Read a frame at a time; past the limit, read on without keeping, so that the client,
        // still sending, gets the refusal rather than a reset connection.
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
            if let Ok(data) = frame.into_data() {
                over |= bytes.len() + data.len() > MAX_TEXT_BYTES;
                if !over {
                    bytes.extend_from_slice(&data);
                }
            }
        }
        if over {
            return Err(too_large);
        }
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|rejection| rejection.status())?;
        return Ok(Posted {
            entered: Entered::from_pairs(pairs),
            files: Vec::new(),
            place: None,
            skipped_files: false,
        });
    }
    let mut parts = Multipart::from_request(request, &())
        .await
        .map_err(|rejection| rejection.status())?;
    let mut pairs = Vec::new();
    let mut text_bytes = 0;
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut place_for_photos = Some(place_for_photos);
    let mut place = None;
    let mut skipped_files = false;
    let mut count = 0;
    // Past a limit, the rest is read without keeping (the client, still sending, then gets the
    // refusal rather than a reset connection).
    let mut over = false;
    while let Some(mut part) = parts.next_field().await.map_err(|e| e.status())? {
        count += 1;
        over |= count > MAX_PARTS;
        let name = part.name().unwrap_or_default().to_string();
        if over {
            while part.chunk().await.map_err(|e| e.status())?.is_some() {}
        } else if name == PHOTOS_FIELD {
            let mut photo: Option<Vec<u8>> = None;
            while let Some(chunk) = part.chunk().await.map_err(|e| e.status())? {
                if chunk.is_empty() {
                    continue;
                }
                if let Some(take) = place_for_photos.take() {
                    place = take();
                }
                // A fourth photo is kept as a mark only: the refusal counts it.
                let keep = place.is_some() && files.len() < MAX_PHOTOS;
                match (&mut photo, keep) {
                    (_, false) if place.is_none() => skipped_files = true,
                    (None, false) => photo = Some(Vec::new()),
                    (None, true) => photo = Some(chunk.to_vec()),
                    (Some(bytes), true) if bytes.len() <= MAX_PHOTO_BYTES => {
                        let room = MAX_PHOTO_BYTES + 1 - bytes.len();
                        bytes.extend_from_slice(&chunk[..room.min(chunk.len())]);
                    }
                    _ => {}
                }
            }
            files.extend(photo);
        } else if part.file_name().is_none() {
            let mut text = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| e.status())? {
                text_bytes += chunk.len();
                over |= text_bytes > MAX_TEXT_BYTES;
                if !over {
                    text.extend_from_slice(&chunk);
                }
            }
            if !over {
                pairs.push((
                    name,
                    String::from_utf8(text).map_err(|_| StatusCode::BAD_REQUEST)?,
                ));
            }
        } else {
            // Another file: read past.
            while part.chunk().await.map_err(|e| e.status())?.is_some() {}
        }
    }
    if over {
        return Err(too_large);
    }
    Ok(Posted {
        entered: Entered::from_pairs(pairs),
        files,
        place,
        skipped_files,
    })
}

/// The name of the form's file input.
const PHOTOS_FIELD: &str = "photos";

/// The id of the input an error code points at.
fn target(code: &str, form: &ServiceDescription) -> String {
    match code {
        "location" => "address".into(),
        "contact" => "email".into(),
        "description" => "description".into(),
        "photos" => "photos".into(),
        code if form.fields.iter().any(|f| f.code == code) => input_id(code),
        _ => "form".into(),
    }
}

fn input_id(code: &str) -> String {
    format!("field-{code}")
}

/// The errors of one code, as shown beside its input.
fn messages<'a>(errors: &'a [FieldError], code: &str) -> Vec<&'a str> {
    errors
        .iter()
        .filter(|e| e.code == code)
        .map(|e| e.message.as_str())
        .collect()
}

/// `aria-describedby` of an input with help and errors.
fn described_by(id: &str, help: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if help {
        ids.push(format!("{id}-help"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The label's mark of a required or optional input.
fn need_mark(t: Texts, required: bool) -> Markup {
    html! { " " span.need { (if required { t.t("form-required") } else { t.t("form-optional") }) } }
}

/// The errors of an input, above it.
fn error_lines(id: &str, errors: &[&str]) -> Markup {
    html! {
        @if !errors.is_empty() {
            span.error id={ (id) "-error" } {
                @for (i, e) in errors.iter().enumerate() {
                    @if i > 0 { br; }
                    (e)
                }
            }
        }
    }
}

/// The `lang` of the plugin's own words where they are not in the page's language.
pub fn plugin_lang(t: Texts, form: &ServiceDescription) -> Option<String> {
    (form.language != t.language && !form.language.is_empty()).then(|| form.language.clone())
}

fn field_input(
    t: Texts,
    lang: Option<&str>,
    field: &Field,
    entered: &Entered,
    errors: &[FieldError],
) -> Markup {
    let id = input_id(&field.code);
    let name = format!("{FIELD_PREFIX}{}", field.code);
    let errors = messages(errors, &field.code);
    let has_help = !field.help.trim().is_empty();
    let described = described_by(&id, has_help, !errors.is_empty());
    let values = entered.values(&field.code);
    let first = values.first().map(String::as_str).unwrap_or("");
    let help =
        html! { @if has_help { span.help id={ (id) "-help" } lang=[lang] { (field.help) } } };
    let class = if errors.is_empty() {
        "field"
    } else {
        "field invalid"
    };
    match &field.datatype {
        Datatype::SingleValueList(choices) | Datatype::MultiValueList(choices) => {
            let multi = matches!(field.datatype, Datatype::MultiValueList(_));
            html! {
                fieldset class=(class) id=(id) aria-describedby=[described] {
                    legend { span lang=[lang] { (field.label) } (need_mark(t, field.required)) }
                    (help)
                    span.help { (if multi { t.t("form-choose-many") } else { t.t("form-choose") }) }
                    (error_lines(&id, &errors))
                    @for (i, choice) in choices.iter().enumerate() {
                        @let choice_id = format!("{id}-{i}");
                        @let checked = values.contains(&choice.key);
                        div.choice {
                            input type=(if multi { "checkbox" } else { "radio" }) id=(choice_id) name=(name) value=(choice.key) checked[checked];
                            label for=(choice_id) lang=[lang] { (choice.name) }
                        }
                    }
                }
            }
        }
        datatype => html! {
            div class=(class) {
                label for=(id) { span lang=[lang] { (field.label) } (need_mark(t, field.required)) }
                (help)
                (error_lines(&id, &errors))
                @match datatype {
                    Datatype::Text => textarea id=(id) name=(name) aria-describedby=[described] aria-invalid=[(!errors.is_empty()).then_some("true")] { (first) },
                    Datatype::Number => input type="text" inputmode="decimal" id=(id) name=(name) value=(first) aria-describedby=[described] aria-invalid=[(!errors.is_empty()).then_some("true")];,
                    Datatype::Datetime => input type="date" id=(id) name=(name) value=(first) aria-describedby=[described] aria-invalid=[(!errors.is_empty()).then_some("true")];,
                    _ => input type="text" id=(id) name=(name) value=(first) aria-describedby=[described] aria-invalid=[(!errors.is_empty()).then_some("true")];,
                }
            }
        },
    }
}

/// A plain text input of the host's own: a service form's contact fields, the account's forms.
pub fn host_input(id: &str, label: String, kind: &str, value: &str, autocomplete: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input type=(kind) id=(id) name=(id) value=(value) autocomplete=(autocomplete);
        }
    }
}

/// The form of `form` (a service's description) posting to `action`; a signed-in citizen who
/// represents `organisations` (id, name) chooses on whose behalf they file.
#[allow(clippy::too_many_arguments)]
pub fn render(
    t: Texts,
    form: &ServiceDescription,
    public: bool,
    action: &str,
    csrf_token: &str,
    entered: &Entered,
    errors: &[FieldError],
    organisations: &[(i64, String)],
    map: Option<&Map>,
) -> Markup {
    let mut fields: Vec<&Field> = form.fields.iter().collect();
    fields.sort_by_key(|f| f.order);
    let location_errors = messages(errors, "location");
    let contact_errors = messages(errors, "contact");
    let description_errors = messages(errors, "description");
    let lang = plugin_lang(t, form);
    html! {
        @if !errors.is_empty() {
            div.summary role="alert" tabindex="-1" autofocus id="errors" aria-labelledby="errors-title" {
                h2 #errors-title { (t.t("form-errors-title")) }
                p { (t.t("form-errors-lead")) }
                ul {
                    @for error in errors {
                        li { a href={ "#" (target(&error.code, form)) } { (error.message) } }
                    }
                }
            }
        }
        p.notice { (if public { t.t("form-public-note") } else { t.t("form-private-note") }) }
        form #form method="post" action=(action) enctype="multipart/form-data" novalidate {
            input type="hidden" name=(csrf::FIELD) value=(csrf_token);
            @if !organisations.is_empty() {
                fieldset.field {
                    legend { (t.t("org-on-behalf")) }
                    div.choice {
                        input type="radio" id="on-behalf-me" name="on_behalf" value="" checked[entered.on_behalf.is_empty()];
                        label for="on-behalf-me" { (t.t("org-myself")) }
                    }
                    @for (id, name) in organisations {
                        div.choice {
                            input type="radio" id={ "on-behalf-" (id) } name="on_behalf" value=(id) checked[entered.on_behalf == id.to_string()];
                            label for={ "on-behalf-" (id) } { (name) }
                        }
                    }
                }
            }
            @for field in &fields {
                (field_input(t, lang.as_deref(), field, entered, errors))
            }
            div class=(if description_errors.is_empty() { "field" } else { "field invalid" }) {
                label for="description" { (t.t("form-description")) (need_mark(t, false)) }
                span.help id="description-help" { (t.t("form-description-help")) }
                (error_lines("description", &description_errors))
                textarea id="description" name="description" aria-describedby="description-help"
                    data-suggest data-language=(t.language) data-service=(form.code) { (entered.description) }
            }
            div #suggestions aria-live="polite" hidden data-heading=(t.t("help-suggest")) data-known=(t.t("help-known-short")) {}
            @if form.location != Need::None {
                fieldset class=[(!location_errors.is_empty()).then_some("invalid")] aria-describedby=[(!location_errors.is_empty()).then_some("location-error")]
                    data-map-tiles=[map.map(|m| m.tiles.as_str())]
                    data-map-latitude=[map.map(|m| m.latitude)]
                    data-map-longitude=[map.map(|m| m.longitude)]
                    data-map-zoom=[map.map(|m| m.zoom)]
                    data-map-label=[map.map(|_| t.t("form-map"))]
                    data-locate-label=(t.t("form-use-location"))
                    data-locating=(t.t("form-locating"))
                    data-locate-failed=(t.t("form-locate-failed")) {
                    legend { (t.t("form-location")) (need_mark(t, form.location == Need::Required)) }
                    (error_lines("location", &location_errors))
                    div.field {
                        label for="address" { (t.t("form-address")) }
                        span.help id="address-help" { (t.t("form-address-help")) }
                        input type="text" id="address" name="address" value=(entered.address) autocomplete="street-address" aria-describedby="address-help";
                    }
                    @if map.is_some() { p.help { (t.t("form-map-help")) } }
                    // The coordinates are there for whoever has them; most citizens give an
                    // address, use their location or place the pin.
                    details.coordinates open[!entered.latitude.trim().is_empty() || !entered.longitude.trim().is_empty() || !location_errors.is_empty()] {
                    summary { (t.t("form-coordinates")) }
                    p.help id="coordinates-help" { (t.t("form-coordinates-help")) }
                    div.pair {
                        div.field {
                            label for="latitude" { (t.t("form-latitude")) }
                            input type="text" inputmode="decimal" id="latitude" name="latitude" value=(entered.latitude) aria-describedby="coordinates-help";
                        }
                        div.field {
                            label for="longitude" { (t.t("form-longitude")) }
                            input type="text" inputmode="decimal" id="longitude" name="longitude" value=(entered.longitude) aria-describedby="coordinates-help";
                        }
                    }
                    }
                }
            }
            @if form.contact != Need::None {
                fieldset class=[(!contact_errors.is_empty()).then_some("invalid")] aria-describedby="contact-help" {
                    legend { (t.t("form-contact")) (need_mark(t, form.contact == Need::Required)) }
                    span.help id="contact-help" { (t.t("form-contact-help")) }
                    (error_lines("contact", &contact_errors))
                    (host_input("name", t.t("form-name"), "text", &entered.name, "name"))
                    (host_input("email", t.t("form-email"), "email", &entered.email, "email"))
                    (host_input("phone", t.t("form-phone"), "tel", &entered.phone, "tel"))
                }
            }
            @let photo_errors = messages(errors, "photos");
            div class=(if photo_errors.is_empty() { "field" } else { "field invalid" }) {
                label for="photos" { (t.t("form-photos")) (need_mark(t, false)) }
                span.help id="photos-help" { (t.t("form-photos-help")) }
                (error_lines("photos", &photo_errors))
                input #photos type="file" name=(PHOTOS_FIELD) accept="image/jpeg,image/png,image/webp" multiple aria-describedby="photos-help";
            }
            button type="submit" { (t.t("form-submit")) }
        }
        @if form.location != Need::None {
            @if map.is_some() {
                link rel="stylesheet" href="/assets/vendor/leaflet-1.9.4/leaflet.css";
                script src="/assets/vendor/leaflet-1.9.4/leaflet.js" defer {}
            }
            script src="/assets/carmen-map.js" defer {}
        }
        script src="/assets/carmen-suggest.js" defer {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_pairs_become_a_request_with_blank_answers_left_out() {
        let pairs = [
            ("csrf", "token"),
            ("field.category", "pothole"),
            ("field.extras", "a"),
            ("field.extras", "b"),
            ("field.note", "  "),
            ("description", " deep "),
            ("latitude", "45,46"),
            ("longitude", "9.19"),
            ("email", ""),
            ("unknown", "ignored"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec();
        let entered = Entered::from_pairs(pairs);
        assert_eq!(entered.csrf(), Some("token"));
        let (request, found) = entered.request(Texts::new("it"));
        assert!(found.is_empty());
        assert_eq!(request.fields["category"], vec!["pothole"]);
        assert_eq!(request.fields["extras"], vec!["a", "b"]);
        assert!(!request.fields.contains_key("note"));
        assert_eq!(request.description.as_deref(), Some("deep"));
        let location = request.location.unwrap();
        assert_eq!(
            (location.latitude, location.longitude),
            (Some(45.46), Some(9.19))
        );
        assert!(request.contact.is_none());
        assert_eq!(request.language, "it");

        let bad = Entered::from_pairs(vec![("latitude".into(), "north".into())]);
        let (request, found) = bad.request(Texts::new("it"));
        assert_eq!(found[0].code, "location");
        assert!(request.location.is_none());
        assert_ne!(
            found[0].message,
            Texts::new("en").t("form-error-coordinates")
        );
    }
}
