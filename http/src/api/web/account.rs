//! A citizen's account in the portal at `/{city}/account/`: register, confirm the e-mail address
//! or phone number with the code sent, sign in and out, their requests (followed and acted on as
//! by the secret link), download their data, erase the account.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::Visitor;
use super::answers::{attachment, problem_summary, status_text, when};
use super::form::host_input;
use super::pages::{Answer, Asked, CitizenPage, CityPage, OrPage, Page, Posted};
use super::portal::{RequestPage, act_as_follower, follower_forms};
use super::sign_in::{city_sign_in, city_sign_out};
use crate::api::auth::Caller;
use crate::api::{ApiError, Client};
use crate::i18n::Texts;
use crate::runtime::casework::Follower;
use crate::runtime::types::{
    CrmError, NewUser, PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, password_fits,
};
use crate::runtime::{Carmen, RuntimeError};

fn register_form(
    visitor: &Visitor,
    slug: &str,
    form: &BTreeMap<String, String>,
    problem: Option<&str>,
) -> Markup {
    let t = visitor.texts;
    let value = |name: &str| form.get(name).cloned().unwrap_or_default();
    html! {
        h1 { (t.t("account-register")) }
        p.lead { (t.t("account-register-lead")) }
        (problem_summary(problem))
        form method="post" action={ "/" (slug) "/account/register" } {
            input type="hidden" name=(super::csrf::FIELD) value=(visitor.csrf.value());
            (host_input("name", t.t("account-name"), "text", &value("name"), "name"))
            (host_input("email", t.t("account-email"), "email", &value("email"), "email"))
            (host_input("phone", t.t("account-phone"), "tel", &value("phone"), "tel"))
            (host_input("password", t.with("account-password", &[("min", &PASSWORD_MIN_CHARS.to_string())]), "password", "", "new-password"))
            div.choice {
                input #consent type="checkbox" name="consent" value="1" checked[form.contains_key("consent")];
                label for="consent" { (t.t("account-consent")) }
            }
            button #register type="submit" { (t.t("account-register")) }
        }
    }
}

/// `GET /{city}/account/register`.
pub async fn register_page(at: CityPage) -> Response {
    let title = at.texts().t("account-register");
    at.show(
        &title,
        register_form(&at.visitor, &at.city.slug, &BTreeMap::new(), None),
    )
}

/// Why `password` may not be chosen, in the page's words (too short or too long), if it may not.
pub(super) fn unfit_password(t: &Texts, password: &str) -> Option<RuntimeError> {
    if password_fits(password) {
        None
    } else if password.len() > PASSWORD_MAX_BYTES {
        let max = PASSWORD_MAX_BYTES.to_string();
        Some(RuntimeError::Invalid(
            t.with("account-password-long", &[("max", &max)]),
        ))
    } else {
        let min = PASSWORD_MIN_CHARS.to_string();
        Some(RuntimeError::Invalid(
            t.with("account-password-short", &[("min", &min)]),
        ))
    }
}

/// `POST /{city}/account/register`: the same answer whether or not the address was in use.
pub async fn register(
    State(carmen): State<Carmen>,
    client: Option<Extension<Client>>,
    posted: Posted<CityPage>,
) -> Answer {
    let at = &posted.page;
    let slug = &at.city.slug;
    let t = at.texts();
    let new = NewUser {
        city: Some(slug.clone()),
        name: posted.value("name").to_string(),
        email: posted.given("email").map(str::to_string),
        phone: posted.given("phone").map(str::to_string),
        password: posted.form.get("password").cloned(),
        language: Some(t.language.to_string()),
        consent: posted.ticked("consent"),
        ..Default::default()
    };
    let title = t.t("account-register");
    // The password's length is said in the page's words before anything else is asked.
    let password = posted.form.get("password").map_or("", String::as_str);
    let registered = match unfit_password(&t, password) {
        None => {
            carmen
                .register_citizen(slug, new, client.map(|c| c.address))
                .await
        }
        Some(refused) => Err(refused),
    };
    match registered {
        Ok(()) => {
            let main = html! {
                h1 { (title) }
                p.notice role="status" #registered { (t.t("account-registered")) }
                p { a.button href={ "/" (slug) "/account/sign-in" } { (t.t("account-sign-in")) } }
            };
            Ok(at.show_as(StatusCode::ACCEPTED, &title, main))
        }
        Err(RuntimeError::Invalid(problem) | RuntimeError::Crm(CrmError::Invalid(problem))) => {
            let main = register_form(&at.visitor, slug, &posted.form, Some(&problem));
            Ok(at.show_as(StatusCode::UNPROCESSABLE_ENTITY, &title, main))
        }
        Err(e) => Err(at.fail(e)),
    }
}

fn sign_in_form(visitor: &Visitor, slug: &str, email: &str, problem: Option<String>) -> Markup {
    let t = visitor.texts;
    html! {
        h1 { (t.t("account-sign-in")) }
        p.lead { (t.t("account-sign-in-lead")) }
        (problem_summary(problem.as_deref()))
        form method="post" action={ "/" (slug) "/account/sign-in" } {
            input type="hidden" name=(super::csrf::FIELD) value=(visitor.csrf.value());
            (host_input("email", t.t("account-email"), "email", email, "username"))
            (host_input("password", t.t("console-password"), "password", "", "current-password"))
            button #sign-in type="submit" { (t.t("account-sign-in")) }
        }
        p { a href={ "/" (slug) "/account/register" } { (t.t("account-register")) } }
    }
}

/// `GET /{city}/account/sign-in`.
pub async fn sign_in_page(at: CityPage) -> Response {
    let title = at.texts().t("account-sign-in");
    at.show(&title, sign_in_form(&at.visitor, &at.city.slug, "", None))
}

/// `POST /{city}/account/sign-in`: opens a session (the API's cookie).
pub async fn sign_in(
    State(carmen): State<Carmen>,
    client: Option<Extension<Client>>,
    posted: Posted<CityPage>,
) -> Answer {
    city_sign_in(
        &carmen,
        client,
        posted,
        "account/",
        "account-sign-in-failed",
        |at, problem, email| {
            let main = sign_in_form(&at.visitor, &at.city.slug, email, Some(problem));
            (at.texts().t("account-sign-in"), main)
        },
    )
    .await
}

/// `POST /{city}/account/sign-out`.
pub async fn sign_out(
    State(carmen): State<Carmen>,
    caller: Result<Caller, ApiError>,
    Posted { mut page, .. }: Posted<CitizenPage>,
) -> Answer {
    city_sign_out(&carmen, caller, &mut page.at, "").await
}

/// Which page of their requests the account page shows.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AccountQuery {
    before: Option<i64>,
}

/// Requests on one account page.
const REQUESTS_PAGE: u32 = 50;

/// `GET /{city}/account/` (`?before=` for older requests): who they are, confirming contacts,
/// their requests a page at a time, their data.
pub async fn home(
    State(carmen): State<Carmen>,
    Asked(query): Asked<AccountQuery>,
    page: CitizenPage,
) -> Answer {
    let before = query.before;
    let (visitor, citizen) = (&page.at.visitor, &page.citizen);
    let slug = &page.at.city.slug;
    let t = visitor.texts;
    let found = async {
        let user = carmen.profile(&citizen.member()).await?;
        let requests = carmen
            .citizens_requests(citizen, before, REQUESTS_PAGE)
            .await?;
        let organisations = carmen.organisations(citizen).await?;
        let inbox = carmen.inbox(citizen).await?;
        let follows = carmen.follows(citizen).await?;
        let invitations = carmen.invitations(citizen).await?;
        Ok::<_, RuntimeError>((user, requests, organisations, inbox, follows, invitations))
    };
    let (user, (requests, older), organisations, inbox, follows, invitations) =
        found.await.or_fail(&page)?;
    let csrf = visitor.csrf.value();
    let state = |verified: bool| {
        if verified {
            t.t("account-verified")
        } else {
            t.t("account-not-verified")
        }
    };
    let title = t.t("account-title");
    let main = html! {
        h1 { (title) }
        dl.facts {
            dt { (t.t("account-name")) } dd { (user.name) }
            @if let Some(email) = &user.email { dt { (t.t("account-email")) } dd { (email) " (" (state(user.email_verified)) ")" } }
            @if let Some(phone) = &user.phone { dt { (t.t("form-phone")) } dd { (phone) " (" (state(user.phone_verified)) ")" } }
        }
        @if (user.email.is_some() && !user.email_verified) || (user.phone.is_some() && !user.phone_verified) {
            section aria-labelledby="verify-title" {
                h2 #verify-title { (t.t("account-verify")) }
                form method="post" action={ "/" (slug) "/account/verify" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    fieldset {
                        legend { (t.t("account-verify-channel")) }
                        @if user.email.is_some() && !user.email_verified {
                            div.choice { input #channel-email type="radio" name="channel" value="email" checked; label for="channel-email" { (t.t("account-email")) } }
                        }
                        @if user.phone.is_some() && !user.phone_verified {
                            div.choice { input #channel-phone type="radio" name="channel" value="phone" checked[user.email_verified || user.email.is_none()]; label for="channel-phone" { (t.t("form-phone")) } }
                        }
                    }
                    (host_input("code", t.t("account-code"), "text", "", "one-time-code"))
                    button #verify type="submit" { (t.t("account-verify-send")) }
                }
                form method="post" action={ "/" (slug) "/account/resend" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    button.secondary type="submit" { (t.t("account-resend")) }
                }
            }
        }
        h2 { (t.t("account-requests")) }
        @if requests.is_empty() { p { (t.t("account-no-requests")) } }
        ul.services #my-requests {
            @for case in &requests {
                li {
                    a href={ "/" (slug) "/account/requests/" (case.id) } { (t.with("request-title", &[("id", &case.id.to_string())])) }
                    p { (case.title) " · " (status_text(t, case.status)) " · " (when(t, case.created_at)) }
                }
            }
        }
        @if let Some(older) = older {
            p { a href={ "/" (slug) "/account/?before=" (older) } { (t.t("account-requests-older")) } }
        }
        section aria-labelledby="follows-title" {
            h2 #follows-title { (t.t("follows-title")) }
            @if follows.is_empty() { p { (t.t("follows-none")) } }
            ul #follows {
                @for follow in &follows {
                    li {
                        @match &follow.target {
                            crate::runtime::types::FollowTarget::Request(id) => {
                                a href={ "/" (slug) "/requests/" (id) } { (t.with("request-title", &[("id", &id.to_string())])) }
                            }
                            crate::runtime::types::FollowTarget::Area { latitude, longitude, radius_m } => {
                                (t.with("follows-area", &[("radius", &radius_m.to_string()), ("at", &format!("{latitude:.4}, {longitude:.4}"))]))
                            }
                        }
                        form.inline method="post" action={ "/" (slug) "/account/unfollow" } {
                            input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                            input type="hidden" name="follow" value=(follow.id);
                            " "
                            button.secondary type="submit" { (t.t("follows-stop")) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="inbox-title" {
            h2 #inbox-title { (t.t("account-inbox")) }
            @if inbox.is_empty() { p { (t.t("account-inbox-empty")) } }
            ul.thread #inbox {
                @for message in &inbox {
                    li {
                        span.who { (message.subject) " · " (when(t, message.created_at)) }
                        (message.body)
                    }
                }
            }
        }
        section aria-labelledby="prefs-title" {
            h2 #prefs-title { (t.t("prefs-title")) }
            form method="post" action={ "/" (slug) "/account/preferences" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                div.field {
                    label for="language" { (t.t("prefs-language")) }
                    select #language name="language" {
                        @for (code, name) in crate::i18n::LANGUAGES {
                            option value=(code) selected[user.language == *code] { (name) }
                        }
                    }
                }
                fieldset {
                    legend { (t.t("prefs-channel")) }
                    @if user.email.is_some() {
                        div.choice { input #channel-pref-email type="radio" name="channel" value="email" checked[user.channel == "email"]; label for="channel-pref-email" { (t.t("prefs-channel-email")) } }
                    }
                    @if user.phone.is_some() {
                        div.choice { input #channel-pref-sms type="radio" name="channel" value="sms" checked[user.channel == "sms"]; label for="channel-pref-sms" { (t.t("prefs-channel-sms")) } }
                    }
                }
                div.choice {
                    input #prefs-consent type="checkbox" name="consent" value="1" checked[user.consent];
                    label for="prefs-consent" { (t.t("prefs-consent")) }
                }
                button #save-preferences type="submit" { (t.t("prefs-save")) }
            }
        }
        section aria-labelledby="org-title" {
            h2 #org-title { (t.t("org-title")) }
            p { (t.t("org-lead")) }
            @if !invitations.is_empty() {
                h3 { (t.t("account-invitations")) }
                ul #invitations {
                    @for organisation in &invitations {
                        li {
                            p { (t.with("account-invitation", &[("name", &organisation.name)])) }
                            form.inline method="post" action={ "/" (slug) "/account/invitations/" (organisation.id) "/accept" } {
                                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                                button #{ "accept-" (organisation.id) } type="submit" { (t.t("invitation-accept")) }
                            }
                            form.inline method="post" action={ "/" (slug) "/account/invitations/" (organisation.id) "/decline" } {
                                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                                button.secondary #{ "decline-" (organisation.id) } type="submit" { (t.t("invitation-decline")) }
                            }
                        }
                    }
                }
            }
            @if organisations.is_empty() { p { (t.t("org-none")) } }
            ul #organisations {
                @for (organisation, owned) in &organisations {
                    li {
                        a href={ "/" (slug) "/account/organisations/" (organisation.id) } { (organisation.name) }
                        @if *owned { " (" (t.t("org-owner")) ")" }
                    }
                }
            }
            h3 { (t.t("org-create")) }
            form method="post" action={ "/" (slug) "/account/organisations" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                (host_input("org-name", t.t("org-name"), "text", "", "organization"))
                fieldset {
                    legend { (t.t("org-kind")) }
                    div.choice { input #kind-business type="radio" name="kind" value="business" checked; label for="kind-business" { (t.t("org-business")) } }
                    div.choice { input #kind-association type="radio" name="kind" value="association"; label for="kind-association" { (t.t("org-association")) } }
                }
                button #create-org type="submit" { (t.t("org-create")) }
            }
        }
        h2 { (t.t("account-export")) }
        p { (t.t("account-export-lead")) }
        p { a.button href={ "/" (slug) "/account/export" } download="carmen-data.json" { (t.t("account-export")) } }
        section aria-labelledby="erase-title" {
            h2 #erase-title { (t.t("account-erase")) }
            p { (t.t("account-erase-lead")) }
            form method="post" action={ "/" (slug) "/account/erase" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                div.choice { input #erase-confirm type="checkbox" name="confirm" value="1"; label for="erase-confirm" { (t.t("account-erase-confirm")) } }
                button.secondary #erase type="submit" { (t.t("account-erase")) }
            }
        }
        form method="post" action={ "/" (slug) "/account/sign-out" } {
            input type="hidden" name=(super::csrf::FIELD) value=(csrf);
            button.secondary #sign-out type="submit" { (t.t("account-sign-out")) }
        }
    };
    Ok(page.show(&title, main))
}

/// `POST /{city}/account/{action}`: `verify` (a code), `resend` (the codes), `unfollow`,
/// `preferences`, `erase`.
pub async fn act(
    State(carmen): State<Carmen>,
    Path((_, action)): Path<(String, String)>,
    mut posted: Posted<CitizenPage>,
) -> Answer {
    let page = &posted.page;
    let citizen = &page.citizen;
    let t = page.texts();
    let done = match action.as_str() {
        "verify" => carmen
            .verify_contact(citizen, posted.value("channel"), posted.value("code"))
            .await
            .map(|_| "verified")
            .map_err(|e| match e {
                // A wrong, spent or expired code: said in the page's words.
                RuntimeError::Crm(CrmError::Invalid(_)) => {
                    RuntimeError::Invalid(t.t("account-code-wrong"))
                }
                e => e,
            }),
        "resend" => carmen.resend_codes(citizen).await.map(|_| "codes-sent"),
        "unfollow" => match posted.value("follow").parse::<i64>() {
            Ok(id) => carmen.unfollow(citizen, id).await.map(|_| "unfollowed"),
            Err(_) => Err(RuntimeError::Crm(CrmError::NotFound("follow".into()))),
        },
        "preferences" => carmen
            .set_preferences(
                citizen,
                posted.value("language"),
                posted.value("channel"),
                posted.ticked("consent"),
            )
            .await
            .map(|_| "saved"),
        "erase" if posted.ticked("confirm") => {
            let erased = carmen.erase(citizen).await.or_refuse(page)?;
            posted
                .page
                .at
                .visitor
                .set_cookie(crate::api::sessions::ended_session_cookie());
            let page = &posted.page;
            let title = t.t("account-erased");
            let main = html! {
                h1 #erased { (title) }
                @if !erased.forgotten_by.is_empty() {
                    p { (t.with("account-erased-services", &[("services", &erased.forgotten_by.join(", "))])) }
                }
                @if !erased.pending.is_empty() {
                    p { (t.with("account-erased-pending", &[("services", &erased.pending.join(", "))])) }
                }
            };
            return Ok(page.show(&title, main));
        }
        "erase" => Err(RuntimeError::Invalid(t.t("account-erase-confirm"))),
        _ => Err(RuntimeError::Crm(CrmError::NotFound("page".into()))),
    };
    let done = done.or_refuse(page)?;
    Ok(page.done("account/", done))
}

/// `GET /{city}/account/export`: everything the city keeps about the citizen, as a JSON file.
pub async fn export(State(carmen): State<Carmen>, page: CitizenPage) -> Answer {
    let data = carmen.export(&page.citizen).await.or_fail(&page)?;
    Ok(attachment(data, "carmen-data.json"))
}

/// `GET /{city}/account/requests/{id}`: one of the citizen's requests, with what they can do.
pub async fn request(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    page: CitizenPage,
) -> Answer {
    let citizen = &page.citizen;
    let t = page.texts();
    let id = page.id(&id)?;
    let found = async {
        carmen
            .followed_case(&slug, id, &Follower::Account(citizen.clone()))
            .await?;
        let file = carmen
            .request_file(&slug, id, Some(&citizen.identity()), None)
            .await?;
        let rating = carmen.rating(&file.case).await?;
        Ok::<_, RuntimeError>((file, rating))
    };
    let (file, rating) = found.await.or_fail(&page)?;
    let view = RequestPage::of(&carmen, &file, t, true, String::new()).await;
    let title = t.with("request-title", &[("id", &id.to_string())]);
    let main = html! {
        p { a href={ "/" (slug) "/account/" } { (t.t("account-title")) } }
        (view.render(t, false))
        (follower_forms(&page.at.visitor, &page.at.path, &file.case, rating.as_ref()))
    };
    Ok(page.show(&title, main))
}

/// `POST /{city}/account/requests/{id}/{action}`: as by the secret link, signed in.
pub async fn request_action(
    State(carmen): State<Carmen>,
    Path((slug, id, action)): Path<(String, String, String)>,
    Posted { page, form, .. }: Posted<CitizenPage>,
) -> Answer {
    let id = page.id(&id)?;
    let follower = Follower::Account(page.citizen.clone());
    let done = act_as_follower(&carmen, &slug, id, follower, &action, &form, page.texts())
        .await
        .or_refuse(&page)?;
    Ok(page.done(&format!("account/requests/{id}"), done))
}

/// `POST /{city}/account/organisations`: the citizen registers an organisation they own.
pub async fn create_organisation(
    State(carmen): State<Carmen>,
    posted: Posted<CitizenPage>,
) -> Answer {
    let page = &posted.page;
    let made = carmen
        .create_organisation(
            &page.citizen,
            posted.value("org-name"),
            posted.value("kind"),
        )
        .await
        .or_refuse(page)?;
    Ok(page.go_to(&format!("account/organisations/{}", made.id)))
}

/// `GET /{city}/account/organisations/{id}` (`?before=` for older requests): an organisation its
/// representatives see, its requests a page at a time; its owner also sees whom it invited.
pub async fn organisation(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    Asked(query): Asked<AccountQuery>,
    page: CitizenPage,
) -> Answer {
    let citizen = &page.citizen;
    let path = &page.at.path;
    let t = page.texts();
    let id = page.id(&id)?;
    let file = carmen
        .organisation(citizen, id, query.before, REQUESTS_PAGE)
        .await
        .or_fail(&page)?;
    let invited = if file.owned {
        carmen
            .invited_representatives(citizen, id)
            .await
            .or_fail(&page)?
    } else {
        Vec::new()
    };
    let csrf = page.at.visitor.csrf.value();
    let name = &file.organisation.name;
    let main = html! {
        p { a href={ "/" (slug) "/account/" } { (t.t("account-title")) } }
        h1 { (name) }
        h2 { (t.t("org-representatives")) }
        ul #representatives {
            @for member in &file.members {
                li { (member.name) @if member.owner { " (" (t.t("org-owner")) ")" } }
            }
        }
        @if !invited.is_empty() {
            h3 { (t.t("org-pending")) }
            ul #invited-representatives {
                @for email in &invited { li { (email) } }
            }
        }
        @if file.owned {
            h3 { (t.t("org-add")) }
            form method="post" action={ (path) "/add" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                (host_input("representative", t.t("org-add-email"), "email", "", "off"))
                button #add-representative type="submit" { (t.t("org-add-send")) }
            }
        }
        h2 { (t.with("org-requests", &[("name", name)])) }
        @if file.requests.is_empty() { p { (t.t("org-no-requests")) } }
        ul.services #organisation-requests {
            @for case in &file.requests {
                li {
                    a href={ "/" (slug) "/account/requests/" (case.id) } { (t.with("request-title", &[("id", &case.id.to_string())])) }
                    p { (case.title) " · " (status_text(t, case.status)) " · " (when(t, case.created_at)) }
                }
            }
        }
        @if let Some(older) = file.older {
            p { a href={ (path) "?before=" (older) } { (t.t("account-requests-older")) } }
        }
        @if file.owned {
            p { a.button href={ (path) "/export" } download="organisation-data.json" { (t.t("org-export")) } }
            section aria-labelledby="org-erase-title" {
                h2 #org-erase-title { (t.t("org-erase")) }
                p { (t.t("org-erase-lead")) }
                form method="post" action={ (path) "/erase" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.choice { input #org-erase-confirm type="checkbox" name="confirm" value="1"; label for="org-erase-confirm" { (t.t("org-erase-confirm")) } }
                    button.secondary #erase-org type="submit" { (t.t("org-erase")) }
                }
            }
        }
    };
    Ok(page.show(name, main))
}

/// `GET /{city}/account/organisations/{id}/export`: the organisation's data, for its owner.
pub async fn export_organisation(
    State(carmen): State<Carmen>,
    Path((_, id)): Path<(String, String)>,
    page: CitizenPage,
) -> Answer {
    let id = page.id(&id)?;
    let data = carmen
        .export_organisation(&page.citizen, id)
        .await
        .or_fail(&page)?;
    Ok(attachment(data, "organisation-data.json"))
}

/// `POST /{city}/account/organisations/{id}/{action}`: `add` (invite) a representative, `erase`
/// it.
pub async fn organisation_action(
    State(carmen): State<Carmen>,
    Path((slug, id, action)): Path<(String, String, String)>,
    posted: Posted<CitizenPage>,
) -> Answer {
    let page = &posted.page;
    let citizen = &page.citizen;
    let t = page.texts();
    let id = page.id(&id)?;
    match action.as_str() {
        "add" => {
            carmen
                .invite_representative(citizen, id, posted.value("representative"))
                .await
                .or_refuse(page)?;
            Ok(page.done(&format!("account/organisations/{id}"), "invited"))
        }
        "erase" if posted.ticked("confirm") => {
            carmen
                .erase_organisation(citizen, id)
                .await
                .or_refuse(page)?;
            let title = t.t("org-erased");
            let main = html! { h1 #org-erased { (title) } p { a href={ "/" (slug) "/account/" } { (t.t("account-title")) } } };
            Ok(page.show(&title, main))
        }
        "erase" => Err(page.refuse(RuntimeError::Invalid(t.t("org-erase-confirm")))),
        _ => Err(page.not_found()),
    }
}

/// `POST /{city}/account/invitations/{id}/{answer}`: `accept` or `decline` organisation `id`'s
/// invitation to an address the citizen proved.
pub async fn answer_invitation(
    State(carmen): State<Carmen>,
    Path((_, id, answer)): Path<(String, String, String)>,
    Posted { page, .. }: Posted<CitizenPage>,
) -> Answer {
    let id = page.id(&id)?;
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(page.not_found()),
    };
    carmen
        .answer_invitation(&page.citizen, id, accept)
        .await
        .or_fail(&page)?;
    Ok(match accept {
        true => page.done(&format!("account/organisations/{id}"), "joined"),
        false => page.done("account/", "declined"),
    })
}
