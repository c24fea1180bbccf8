//! The city's administration in its console: settings, departments, routing, staff and API keys
//! (administrators change them; staff read), and the audit log.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;

use super::answers::when;
use super::layout::column_heads;
use super::pages::{Answer, Asked, OrPage, Page, Posted, StaffPage};
use crate::runtime::admin::CitySettings;
use crate::runtime::types::{Map, NewUser, Role, Route};
use crate::runtime::{Carmen, RuntimeError};

/// Audit entries per page.
const AUDIT_PAGE: u32 = 50;

/// A labelled select named `id` of `options`.
fn select_field(id: &str, label: String, options: Markup) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(id) { (options) }
        }
    }
}

fn field(id: &str, label: String, kind: &str, value: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(id) value=(value);
        }
    }
}

/// The administration page, with `issued` (a key just issued: id and key) shown once.
async fn administration_page(
    carmen: &Carmen,
    page: &StaffPage,
    issued: Option<(String, String)>,
) -> Answer {
    let (visitor, city, who) = (&page.at.visitor, &page.at.city, &page.staff);
    let t = visitor.texts;
    let slug = &city.slug;
    let found = async {
        let (departments, routes) = carmen.departments(who).await?;
        let staff = carmen.staff(who).await?;
        let services = carmen.services(slug, t.language).await?;
        let faults = match who.admin() {
            Some(admin) => carmen.service_faults(&admin).await?,
            None => Vec::new(),
        };
        Ok::<_, RuntimeError>((departments, routes, staff, services, faults))
    };
    let (departments, routes, staff, services, faults) = found.await.or_fail(page)?;
    let admin = who.admin().is_some();
    let csrf = visitor.csrf.value();
    let action = |what: &str| format!("/{slug}/console/administration/{what}");
    let title = t.t("admin-title");
    let main = html! {
        h1 { (title) }
        @if !admin { p.notice { (t.t("admin-only")) } }
        @if let Some((id, key)) = &issued {
            div.panel role="status" {
                h2 { (t.t("admin-key-issued")) }
                p { (t.t("admin-key-id")) ": " code #issued-key-id { (id) } }
                p { code #issued-key { (key) } }
            }
        }
        @if !faults.is_empty() {
            section.panel #faults aria-labelledby="faults-title" {
                h2 #faults-title { (t.t("admin-faults-title")) }
                p { (t.t("admin-faults-lead")) }
                ul {
                    @for fault in &faults {
                        li {
                            strong { (fault.service) " " (fault.version) } ": "
                            (t.with("admin-fault-seen", &[("count", &fault.count.to_string()), ("since", &t.moment(fault.first_at)), ("last", &t.moment(fault.last_at))]))
                            br;
                            code { (fault.message) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="settings-title" {
            h2 #settings-title { (t.t("admin-settings")) }
            form method="post" action=(action("settings")) {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                (field("reopen_days", t.t("admin-reopen-days"), "number", &city.reopen_days.to_string()))
                (field("messages_per_day", t.t("admin-messages-per-day"), "number", &city.messages_per_day.to_string()))
                div.choice {
                    input #public_location type="checkbox" name="public_location" value="1" checked[city.public_location];
                    label for="public_location" { (t.t("admin-public-location")) }
                }
                @let map = city.map.as_ref();
                (field("map_tiles", t.t("admin-map-tiles"), "text", &map.map(|m| m.tiles.clone()).unwrap_or_default()))
                div.pair {
                    (field("map_latitude", t.t("form-latitude"), "text", &map.map(|m| m.latitude.to_string()).unwrap_or_default()))
                    (field("map_longitude", t.t("form-longitude"), "text", &map.map(|m| m.longitude.to_string()).unwrap_or_default()))
                    (field("map_zoom", t.t("admin-map-zoom"), "number", &map.map(|m| m.zoom.to_string()).unwrap_or_default()))
                }
                @let quiet = city.quiet;
                div.pair {
                    (field("quiet_start", t.t("admin-quiet-start"), "number", &quiet.map(|q| q.start.to_string()).unwrap_or_default()))
                    (field("quiet_end", t.t("admin-quiet-end"), "number", &quiet.map(|q| q.end.to_string()).unwrap_or_default()))
                }
                // The offset of cities that set one before time zones: kept as it is.
                input type="hidden" name="utc_offset_minutes" value=(quiet.map_or(0, |q| q.utc_offset_minutes));
                div.field {
                    label for="time_zone" { (t.t("admin-time-zone")) }
                    span.help #time-zone-help { (t.t("admin-time-zone-help")) }
                    input #time_zone type="text" name="time_zone" list="time-zones" autocomplete="off" value=[city.time_zone.as_deref()] placeholder="Europe/Rome" aria-describedby="time-zone-help";
                    datalist #time-zones {
                        @for zone in crate::runtime::types::time_zones() { option value=(zone) {} }
                    }
                }
                div.field {
                    label for="colour" { (t.t("admin-colour")) }
                    span.help #colour-help { (t.t("admin-colour-help")) }
                    input #colour type="text" name="colour" value=[city.colour.as_deref()] placeholder="#1d4f91" pattern="#[0-9a-fA-F]{6}" aria-describedby="colour-help";
                }
                @if admin { button #save-settings type="submit" { (t.t("admin-save")) } }
            }
        }
        section aria-labelledby="crest-title" {
            h2 #crest-title { (t.t("admin-crest")) }
            @if let Some(crest) = super::identity::crest_address(city) {
                p { img #crest-now src=(crest) alt=(t.with("admin-crest-of", &[("city", &city.name)])) width="96"; }
            }
            @if admin {
                form method="post" action=(action("crest")) enctype="multipart/form-data" {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.field {
                        label for="crest" { (t.t("admin-crest-file")) }
                        span.help #crest-help { (t.t("admin-crest-help")) }
                        input #crest type="file" name="crest" accept="image/png,image/jpeg,image/webp" aria-describedby="crest-help";
                    }
                    button #save-crest type="submit" { (t.t("admin-crest-save")) }
                }
            }
        }
        section aria-labelledby="departments-title" {
            h2 #departments-title { (t.t("admin-departments")) }
            ul #departments { @for d in &departments { li { (d.name) " (" code { (d.code) } ")" } } }
            @if admin {
                form method="post" action=(action("department")) {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    (field("department_code", t.t("admin-department-code"), "text", ""))
                    (field("department_name", t.t("admin-department-name"), "text", ""))
                    button #add-department type="submit" { (t.t("admin-department-add")) }
                }
            }
        }
        section aria-labelledby="routes-title" {
            h2 #routes-title { (t.t("admin-routes")) }
            p { (t.t("admin-routes-lead")) }
            ul #routes {
                @for r in &routes {
                    li { code { (r.service) } @if !r.category.is_empty() { " / " code { (r.category) } } " → " (r.department) }
                }
            }
            @if admin {
                form method="post" action=(action("route")) {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    (select_field("route_service", t.t("admin-route-service"), html! { @for (_, d) in &services { option value=(d.code) { (d.name) } } }))
                    (field("route_category", t.t("admin-route-category"), "text", ""))
                    (select_field("route_department", t.t("admin-route-department"), html! { @for d in &departments { option value=(d.code) { (d.name) } } }))
                    button #set-route type="submit" { (t.t("admin-route-set")) }
                }
            }
        }
        section aria-labelledby="staff-title" {
            h2 #staff-title { (t.t("admin-staff")) }
            table {
                thead { tr { th scope="col" { "#" } th scope="col" { (t.t("admin-department-name")) } th scope="col" { (t.t("admin-staff-role")) } th scope="col" { (t.t("admin-route-department")) } } }
                tbody #staff {
                    @for user in &staff {
                        tr { td { (user.id) } td { (user.name) } td { (user.role.as_str()) } td { (user.department.clone().unwrap_or_default()) } }
                    }
                }
            }
            @if admin {
                form method="post" action=(action("staff")) {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    (select_field("staff_role", t.t("admin-staff-role"), html! { option value="staff" { (t.t("admin-staff-staff")) } option value="admin" { (t.t("admin-staff-admin")) } }))
                    (field("staff_name", t.t("account-name"), "text", ""))
                    (field("staff_email", t.t("account-email"), "email", ""))
                    (field("staff_password", t.with("operator-admin-password", &[("min", &crate::runtime::types::PASSWORD_MIN_CHARS.to_string())]), "password", ""))
                    (select_field("staff_department", t.t("admin-route-department"), html! { option value="" { "—" } @for d in &departments { option value=(d.code) { (d.name) } } }))
                    button #add-staff type="submit" { (t.t("admin-staff-add")) }
                }
            }
        }
        @if admin {
            section aria-labelledby="keys-title" {
                h2 #keys-title { (t.t("admin-keys")) }
                p { (t.t("admin-keys-lead")) }
                form method="post" action=(action("key")) {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    (field("key_label", t.t("admin-key-label"), "text", ""))
                    button #issue-key type="submit" { (t.t("admin-key-issue")) }
                }
                form method="post" action=(action("revoke")) {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    (field("key_id", t.t("admin-key-id"), "text", ""))
                    button.secondary #revoke-key type="submit" { (t.t("admin-key-revoke")) }
                }
            }
        }
        p { a href={ "/" (slug) "/console/audit" } { (t.t("admin-audit")) } }
    };
    let status = if issued.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(page.show_as(status, &title, main))
}

/// `GET /{city}/console/administration`.
pub async fn page(State(carmen): State<Carmen>, page: StaffPage) -> Answer {
    administration_page(&carmen, &page, None).await
}

/// `POST /{city}/console/administration/crest`: the city's crest, from an uploaded image
/// (administrators only; the host re-encodes it).
pub async fn crest(
    State(carmen): State<Carmen>,
    page: StaffPage,
    multipart: Result<Multipart, MultipartRejection>,
) -> Answer {
    let t = page.texts();
    let Some(admin) = page.staff.admin() else {
        return Err(page.say(StatusCode::FORBIDDEN, &t.t("admin-only")));
    };
    // A place in the photo pool's line before the image is read: crests are decoded on the
    // pool every upload shares, so no number of them holds more images in memory than it allows.
    let place = carmen.photo_place().or_fail(&page)?;
    let mut multipart =
        multipart.map_err(|_| page.say(StatusCode::BAD_REQUEST, &t.t("error-failed")))?;
    let (mut token, mut image) = (None, None);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some(super::csrf::FIELD) => token = field.text().await.ok(),
            Some("crest") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| page.say(StatusCode::PAYLOAD_TOO_LARGE, &t.t("error-failed")))?;
                image = Some(bytes);
            }
            _ => {}
        }
    }
    if !page.at.visitor.csrf.accepts(token.as_deref()) {
        return Err(page.say(StatusCode::FORBIDDEN, &t.t("error-csrf")));
    }
    let image = image
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| page.refuse(RuntimeError::Invalid(t.t("admin-crest-missing"))))?;
    carmen
        .set_crest(&admin, place, image.to_vec())
        .await
        .or_refuse(&page)?;
    Ok(page.done("console/administration", "saved"))
}

/// `POST /{city}/console/administration/{action}`: `settings`, `department`, `route`, `staff`,
/// `key`, `revoke` — administrators only, each audited by the runtime.
pub async fn act(
    State(carmen): State<Carmen>,
    Path((_, action)): Path<(String, String)>,
    posted: Posted<StaffPage>,
) -> Answer {
    let (page, form) = (&posted.page, &posted.form);
    let t = page.texts();
    let Some(who) = page.staff.admin() else {
        return Err(page.say(StatusCode::FORBIDDEN, &t.t("admin-only")));
    };
    let value = |name: &str| posted.value(name);
    let number = |name: &str| -> Result<Option<i64>, RuntimeError> {
        let v = value(name);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| RuntimeError::Invalid(t.with("error-not-a-number", &[("value", v)])))
    };
    let decimal = |name: &str| -> Result<f64, RuntimeError> {
        value(name).replace(',', ".").parse().map_err(|_| {
            RuntimeError::Invalid(t.with("error-not-a-number", &[("value", value(name))]))
        })
    };
    let done = async {
        match action.as_str() {
            "settings" => {
                let settings = CitySettings {
                    reopen_days: number("reopen_days")?,
                    messages_per_day: number("messages_per_day")?,
                    public_location: Some(form.contains_key("public_location")),
                    map: Some(match value("map_tiles") {
                        "" => None,
                        tiles => Some(Map {
                            tiles: tiles.to_string(),
                            latitude: decimal("map_latitude")?,
                            longitude: decimal("map_longitude")?,
                            zoom: number("map_zoom")?.unwrap_or(13),
                        }),
                    }),
                    colour: Some(posted.given("colour").map(str::to_string)),
                    time_zone: Some(posted.given("time_zone").map(str::to_string)),
                    quiet: Some(match (number("quiet_start")?, number("quiet_end")?) {
                        (Some(start), Some(end)) => Some(crate::runtime::types::QuietHours {
                            start,
                            end,
                            utc_offset_minutes: number("utc_offset_minutes")?.unwrap_or(0),
                        }),
                        _ => None,
                    }),
                };
                carmen
                    .set_city_settings(&who, &settings)
                    .await
                    .map(|_| None)
            }
            "department" => carmen
                .add_department(&who, value("department_code"), value("department_name"))
                .await
                .map(|_| None),
            "route" => {
                let route = Route {
                    service: value("route_service").to_string(),
                    category: value("route_category").to_string(),
                    department: value("route_department").to_string(),
                };
                carmen.set_route(&who, &route).await.map(|_| None)
            }
            "staff" => {
                let role = match value("staff_role") {
                    "admin" => Role::Admin,
                    _ => Role::Staff,
                };
                let new = NewUser {
                    name: value("staff_name").to_string(),
                    email: Some(value("staff_email").to_string()).filter(|e| !e.is_empty()),
                    password: Some(value("staff_password").to_string()),
                    department: Some(value("staff_department").to_string())
                        .filter(|d| !d.is_empty()),
                    ..Default::default()
                };
                match super::account::unfit_password(&t, value("staff_password")) {
                    Some(refused) => Err(refused),
                    None => carmen.add_staff(&who, role, new).await.map(|_| None),
                }
            }
            "key" => carmen
                .issue_api_key(&who, value("key_label"))
                .await
                .map(Some),
            "revoke" => match carmen.revoke_api_key(&who, value("key_id")).await? {
                true => Ok(None),
                false => Err(RuntimeError::Invalid(
                    t.with("admin-no-such-key", &[("key", value("key_id"))]),
                )),
            },
            _ => Err(RuntimeError::Crm(
                crate::runtime::types::CrmError::NotFound("page".into()),
            )),
        }
    };
    match done.await.or_refuse(page)? {
        Some(issued) => administration_page(&carmen, page, Some(issued)).await,
        None => Ok(page.done("console/administration", "saved")),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    before: Option<i64>,
}

/// `GET /{city}/console/audit`: who changed what, newest first.
pub async fn audit(
    State(carmen): State<Carmen>,
    Asked(query): Asked<AuditQuery>,
    page: StaffPage,
) -> Answer {
    let path = &page.at.path;
    let t = page.texts();
    let Some(admin) = page.staff.admin() else {
        return Err(page.say(StatusCode::FORBIDDEN, &t.t("admin-only")));
    };
    let before = query.before;
    let entries = carmen
        .audit_log(&admin, before, AUDIT_PAGE)
        .await
        .or_fail(&page)?;
    let title = t.t("admin-audit");
    let main = html! {
        h1 { (title) }
        table {
            (column_heads(t, &[
                "admin-audit-when", "admin-audit-who", "admin-audit-what", "admin-audit-object",
            ]))
            tbody #audit {
                @for entry in &entries {
                    tr {
                        td { (when(t, entry.at)) }
                        td { (entry.actor_role) @if let Some(id) = entry.actor_id { " " (id) } }
                        td { code { (entry.action) } }
                        td { (entry.object) }
                    }
                }
            }
        }
        @if entries.len() as u32 == AUDIT_PAGE
            && let Some(last) = entries.last()
        {
            p { a href={ (path) "?before=" (last.id) } { (t.t("admin-audit-older")) } }
        }
    };
    Ok(page.show(&title, main))
}
