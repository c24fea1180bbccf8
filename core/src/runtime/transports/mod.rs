//! Where composed messages leave from: adapters behind small traits, as the engine sits behind
//! `PluginEngine`. The outbox use case (`runtime::delivery`) composes a message — its words, its
//! language, its links, whether it may be sent now — and knows only these traits; e-mail over SMTP
//! (`smtp`) and signed posts to a city's own systems (`signed`: its SMS gateway, its webhook) live
//! here.

pub mod signed;
pub mod smtp;

use std::future::Future;
use std::pin::Pin;

/// A sending under way.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), Failure>> + Send + 'a>>;

/// Why a sending failed: worth retrying, or not.
#[derive(Debug)]
pub enum Failure {
    Transient(String),
    Permanent(String),
}

/// An e-mail as the outbox composed it; addresses as written (`Name <a@b>` or `a@b`).
#[derive(Clone, Debug)]
pub struct Email {
    pub from: String,
    /// The recipient's display name, set as a name (never pasted into the address).
    pub to_name: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The language it is written in (`Content-Language`).
    pub language: String,
    /// Names the message for its receiver (`Carmen-Delivery`, the Message-ID).
    pub delivery_id: String,
    pub reply_to: Option<String>,
    /// The one-click unsubscribe link of an unprompted message.
    pub unsubscribe: Option<String>,
}

/// Sends e-mail.
pub trait MailTransport: Send + Sync {
    fn send(&self, email: Email) -> Sending<'_>;
}

/// A JSON body for a city's own system, signed with the secret the city set.
#[derive(Clone, Debug)]
pub struct SignedPost {
    pub url: String,
    pub secret: String,
    /// Names the message for its receiver (`Carmen-Delivery`).
    pub delivery_id: String,
    pub body: Vec<u8>,
}

/// Posts signed JSON.
pub trait PostTransport: Send + Sync {
    fn post(&self, post: SignedPost) -> Sending<'_>;
}
