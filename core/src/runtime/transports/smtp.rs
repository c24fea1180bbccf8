//! E-mail over SMTP (lettre): the composed message becomes a multipart text and HTML e-mail with the
//! headers a receiver and its mail client use.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Email, Failure, MailTransport, Sending};

/// An SMTP server, its connection made once.
pub struct Smtp(AsyncSmtpTransport<Tokio1Executor>);

impl Smtp {
    /// The server at `url` (`smtp://host:25`, `smtps://user:password@host`,
    /// `smtp://host:587?tls=required`); why not, when the URL is not one.
    pub fn from_url(url: &str) -> Result<Smtp, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|builder| Smtp(builder.timeout(Some(Duration::from_secs(20))).build()))
            .map_err(|e| format!("the SMTP URL: {e}"))
    }
}

fn mailbox(text: &str, what: &str) -> Result<Mailbox, Failure> {
    text.parse()
        .map_err(|e| Failure::Permanent(format!("{what}: {e}")))
}

impl MailTransport for Smtp {
    fn send(&self, email: Email) -> Sending<'_> {
        Box::pin(async move {
            // The display name is set as a name, never pasted into an address: lettre quotes
            // "Müller, Hans" and "O'Brien (Jr.)" as RFC 5322 wants.
            let to = Mailbox::new(
                email.to_name.filter(|n| !n.trim().is_empty()),
                email
                    .to
                    .parse()
                    .map_err(|e| Failure::Permanent(format!("the recipient: {e}")))?,
            );
            let mut builder = lettre::Message::builder()
                .from(mailbox(&email.from, "the sender")?)
                .to(to)
                .subject(email.subject)
                .message_id(Some(format!("<carmen-{}@carmen>", email.delivery_id)))
                .header(ContentLanguage(email.language))
                .header(CarmenDelivery(email.delivery_id));
            if let Some(reply_to) = &email.reply_to {
                builder = builder.reply_to(mailbox(reply_to, "the reply-to address")?);
            }
            if let Some(link) = &email.unsubscribe {
                builder = builder
                    .header(ListUnsubscribe(format!("<{link}>")))
                    .header(ListUnsubscribePost("List-Unsubscribe=One-Click".into()));
            }
            let message = builder
                .multipart(
                    MultiPart::alternative()
                        .singlepart(
                            SinglePart::builder()
                                .header(ContentType::TEXT_PLAIN)
                                .body(email.text),
                        )
                        .singlepart(
                            SinglePart::builder()
                                .header(ContentType::TEXT_HTML)
                                .body(email.html),
                        ),
                )
                .map_err(|e| Failure::Permanent(format!("the message: {e}")))?;
            self.0.send(message).await.map(drop).map_err(|e| {
                if e.is_permanent() {
                    Failure::Permanent(format!("the SMTP server refused it: {e}"))
                } else {
                    Failure::Transient(format!("SMTP: {e}"))
                }
            })
        })
    }
}

/// Headers lettre does not model, each a type naming itself.
macro_rules! raw_header {
    ($type:ident, $name:literal) => {
        #[derive(Clone)]
        struct $type(String);

        impl lettre::message::header::Header for $type {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }

            fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok($type(text.to_string()))
            }

            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}

raw_header!(ContentLanguage, "Content-Language");
raw_header!(CarmenDelivery, "Carmen-Delivery");
raw_header!(ListUnsubscribe, "List-Unsubscribe");
raw_header!(ListUnsubscribePost, "List-Unsubscribe-Post");
