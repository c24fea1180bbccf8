//! Articles' Markdown as HTML, in a safe subset: paragraphs, emphasis, lists, headings (from
//! level 2), quotes, code and links to `https:`, `http:`, `mailto:` or this site. Raw HTML is
//! shown as the text it is; images become their description; anything else keeps its text only.

use maud::{Markup, PreEscaped};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// Whether a link may go to `url`.
fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

/// `markdown` as safe HTML.
pub fn render(markdown: &str) -> Markup {
    let mut images = 0usize;
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|event| {
        Some(match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::Image { .. }) => {
                images += 1;
                return None;
            }
            Event::End(TagEnd::Image) => {
                images -= 1;
                return None;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if safe_link(&dest_url) && link_type != LinkType::Email {
                    dest_url
                } else if link_type == LinkType::Email {
                    CowStr::from(format!("mailto:{dest_url}"))
                } else {
                    CowStr::from("#")
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            // The page's title is its only first-level heading.
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                Event::End(TagEnd::Heading(HeadingLevel::H2))
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => return None,
            other => other,
        })
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    PreEscaped(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cannot_inject_markup_or_scripts() {
        let html = render(
            "# Lights\n\n<script>alert(1)</script>\n\nSee [this](javascript:alert(1)) and \
             [the city](https://rivertown.example/x) <img src=x onerror=alert(1)> \
             ![a pic](https://evil.example/p.png \"t\") **now**",
        )
        .into_string();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("<a href=\"https://rivertown.example/x\">"),
            "{html}"
        );
        assert!(html.contains("<h2>Lights</h2>"), "{html}");
        assert!(html.contains("<strong>now</strong>"), "{html}");
        assert!(html.contains("a pic"), "{html}");
    }
}
