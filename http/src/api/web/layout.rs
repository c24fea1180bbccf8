//! The frame of every page: the document head, the city's header with the language switcher,
//! the main region and the footer.

use maud::{DOCTYPE, Markup, html};

use super::Visitor;
use super::identity;
use crate::i18n::{LANGUAGES, Texts};
use crate::runtime::types::City;

/// What frames a page: who sees it, in which city, under which title, at which path (for the
/// language switcher's links).
pub struct Frame<'a> {
    pub visitor: &'a Visitor,
    pub city: Option<&'a City>,
    pub title: &'a str,
    pub path: &'a str,
}

/// A table's header row: a column heading for each catalogue message in `keys`, in order.
pub fn column_heads(t: Texts, keys: &[&str]) -> Markup {
    html! {
        thead { tr {
            @for key in keys { th scope="col" { (t.t(key)) } }
        } }
    }
}

/// The whole page around `main`.
pub fn page(frame: &Frame, main: Markup) -> Markup {
    let t = frame.visitor.texts;
    let home = frame.city.map(|c| format!("/{}/", c.slug));
    let site = frame
        .city
        .map_or_else(|| t.t("site-name"), |c| c.name.clone());
    let crest = frame.city.and_then(identity::crest_address);
    let icon = crest
        .clone()
        .unwrap_or_else(|| identity::DEFAULT_ICON.into());
    let description = match frame.city {
        Some(city) => t.with("meta-city", &[("city", &city.name)]),
        None => t.t("meta-host"),
    };
    html! {
        (DOCTYPE)
        html lang=(t.language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " — " (site) }
                meta name="description" content=(description);
                link rel="stylesheet" href="/assets/carmen.css";
                @if let Some(theme) = frame.city.and_then(identity::theme_address) {
                    link rel="stylesheet" href=(theme);
                }
                link rel="icon" href=(icon);
                @if let Some(city) = frame.city {
                    link rel="manifest" href={ "/" (city.slug) "/manifest.webmanifest" };
                    meta name="theme-color" content=(city.colour.as_deref().unwrap_or("#0b0c0c"));
                }
            }
            body {
                a.skip href="#main" { (t.t("skip-to-content")) }
                header.site {
                    div.bar {
                        @match &home {
                            Some(home) => a.brand href=(home) {
                                @if let Some(crest) = &crest { img.crest src=(crest) alt="" width="40" height="40"; }
                                (site)
                            },
                            None => span.brand { (site) },
                        }
                        @if let Some(city) = frame.city {
                            a.account href={ "/" (city.slug) "/account/" } {
                                @match &frame.visitor.who {
                                    Some(name) => (t.with("signed-in-as", &[("name", name)])),
                                    None => (t.t("account-link")),
                                }
                            }
                        }
                        nav.languages aria-label=(t.t("language-switcher")) {
                            ul {
                                @for (code, name) in LANGUAGES {
                                    li {
                                        @if *code == t.language {
                                            a href={ (frame.path) "?lang=" (code) } lang=(code) hreflang=(code) aria-current="true" { (name) }
                                        } @else {
                                            a href={ (frame.path) "?lang=" (code) } lang=(code) hreflang=(code) { (name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (main) }
                footer.site {
                    @if let Some(city) = frame.city {
                        p { (t.with("powered-by", &[("city", &city.name)])) }
                    }
                }
            }
        }
    }
}
