//! People and their credentials: the operator, city administrators, staff, citizens and API
//! clients. Passwords are kept as argon2 hashes; tokens (API keys and web sessions) only as sha256
//! hashes, shown once when issued.

use crate::db::Binds;
use std::fmt;
use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{CrmError, CrmResult, contacts};
use crate::db::{self, Conn};

/// What a person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform; creates cities. Belongs to no city.
    Operator,
    /// Administers one city.
    Admin,
    /// Works one city's cases.
    Staff,
    /// A citizen of one city.
    Citizen,
    /// An app holding a key issued by one city.
    Client,
    /// The operator at the server's console (the command line): never held by a token.
    Console,
}

/// What a person is to Carmen, as the API names it: the schema of the `role` its answers carry
/// (never `console`, which no account holds).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Operator,
    Admin,
    Staff,
    Citizen,
    Client,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Citizen => "citizen",
            Role::Client => "client",
            Role::Console => "console",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CrmError;
    fn from_str(s: &str) -> CrmResult<Role> {
        use Role::*;
        super::named(
            &[Operator, Admin, Staff, Citizen, Client],
            |r| r.as_str(),
            s,
            "role",
        )
    }
}

/// One person (or API client): their profile.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
#[schema(as = UserView)] // its name in the API's document
pub struct User {
    pub id: i64,
    pub city: Option<String>,
    #[schema(value_type = RoleName)]
    pub role: Role,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// How the person wants to be told things: `email` or `sms`.
    pub channel: String,
    pub language: String,
    /// Whether the person agreed to proactive contact (reminders, notices).
    pub consent: bool,
    pub department: Option<String>,
    pub created_at: i64,
    /// Whether the person proved the e-mail address and the phone number are theirs.
    pub email_verified: bool,
    pub phone_verified: bool,
}

impl User {
    /// The contacts the person proved are theirs: what is linked to them by contact.
    pub fn verified_contacts(&self) -> (Vec<String>, Vec<String>) {
        let email = self.email.clone().filter(|_| self.email_verified);
        let phone = self.phone.clone().filter(|_| self.phone_verified);
        (email.into_iter().collect(), phone.into_iter().collect())
    }
}

/// A person to create.
#[derive(Clone, Debug, Default)]
pub struct NewUser {
    pub city: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: Option<String>,
    pub channel: Option<String>,
    pub language: Option<String>,
    pub consent: bool,
    pub department: Option<String>,
    /// The password's argon2 hash, made beforehand off the async workers (`hash_password`).
    pub password_hash: Option<String>,
}

/// Who is calling, as established from a token.
#[derive(Clone, Debug, PartialEq)]
pub struct Principal {
    pub user_id: i64,
    pub city: Option<String>,
    pub role: Role,
    pub department: Option<String>,
}

impl Principal {
    /// The operator at the server's console, as the command line acts; audited as `console`.
    pub fn console() -> Principal {
        Principal {
            user_id: 0,
            city: None,
            role: Role::Console,
            department: None,
        }
    }
}

/// How long a web session lasts, in seconds.
pub const SESSION_SECONDS: i64 = 12 * 3600;

const COLUMNS: &str = "id, city, role, name, email, phone, channel, language, consent, department, \
    created_at, email_verified_at, phone_verified_at";

fn from_row(row: &AnyRow) -> CrmResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        city: row.try_get("city")?,
        role: role.parse()?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        channel: row.try_get("channel")?,
        language: row.try_get("language")?,
        consent: row.try_get::<i64, _>("consent")? != 0,
        department: row.try_get("department")?,
        created_at: row.try_get("created_at")?,
        email_verified: row
            .try_get::<Option<i64>, _>("email_verified_at")?
            .is_some(),
        phone_verified: row
            .try_get::<Option<i64>, _>("phone_verified_at")?
            .is_some(),
    })
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// The fewest characters a password has, and the most bytes.
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// Whether `password` is one a person may choose: long enough, and not absurdly long.
pub fn password_fits(password: &str) -> bool {
    password.chars().count() >= PASSWORD_MIN_CHARS && password.len() <= PASSWORD_MAX_BYTES
}

/// An argon2 hash of `password`.
pub fn hash_password(password: &str) -> CrmResult<String> {
    if !password_fits(password) {
        return Err(CrmError::Invalid(format!(
            "a password is {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_BYTES} characters"
        )));
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|e| CrmError::Invalid(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| CrmError::Invalid(e.to_string()))?
        .to_string())
}

/// The sha256 (hex) under which a token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a person with `role`.
/// Checks everything about a person to create that needs no database: name, contacts, channel,
/// language; the normalised e-mail address and phone number, and the channel.
pub fn check_new(new: &NewUser) -> CrmResult<(Option<String>, Option<String>, String)> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CrmError::Invalid("a name is 1 to 200 characters".into()));
    }
    let email = new.email.as_deref().map(contacts::email).transpose()?;
    let phone = new
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(contacts::phone)
        .transpose()?;
    let channel = new.channel.clone().unwrap_or_else(|| {
        if new.email.is_some() || new.phone.is_none() {
            "email".into()
        } else {
            "sms".into()
        }
    });
    if !matches!(channel.as_str(), "email" | "sms") {
        return Err(CrmError::Invalid("the channel is email or sms".into()));
    }
    if new.language.as_deref().is_some_and(|l| {
        l.is_empty() || l.len() > 35 || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }) {
        return Err(CrmError::Invalid(
            "the language is a BCP 47 tag such as en or nl-BE".into(),
        ));
    }
    Ok((email, phone, channel))
}

pub async fn create(conn: &mut Conn, role: Role, new: NewUser) -> CrmResult<User> {
    if (role == Role::Operator) != new.city.is_none() {
        return Err(CrmError::Invalid(
            "the operator belongs to no city; everyone else to one".into(),
        ));
    }
    let (email, phone, channel) = check_new(&new)?;
    let name = new.name.trim();
    let password_hash = match (&new.password_hash, &new.password) {
        (Some(hash), _) => Some(hash.clone()),
        (None, Some(password)) => Some(hash_password(password)?),
        (None, None) => None,
    };
    let row = sqlx::query(
        "INSERT INTO users (city, role, name, email, phone, password_hash, channel, language, consent, department, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .binds((
        &new.city,
        role.as_str(),
        name,
        &email,
        &phone,
        password_hash,
        &channel,
        new.language.clone().unwrap_or_else(|| "en".into()),
        new.consent as i64,
        &new.department,
        db::now(),
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| if db::is_unique_violation(&e) { CrmError::Conflict("someone in this city has that e-mail address".into()) } else { e.into() })?;
    get(conn, row.try_get(0)?).await
}

/// A person by id (erased people are not found).
pub async fn get(conn: &mut Conn, id: i64) -> CrmResult<User> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1 AND erased_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("user {id}")))?;
    from_row(&row)
}

/// A person of `city` by id.
pub async fn get_in_city(conn: &mut Conn, city: &str, id: i64) -> CrmResult<User> {
    let user = get(conn, id).await?;
    if user.city.as_deref() != Some(city) {
        return Err(CrmError::NotFound(format!("user {id}")));
    }
    Ok(user)
}

/// The person of `city` (`None`: the operator) with e-mail address `email`, and their password
/// hash, if there is one.
pub async fn with_password(
    conn: &mut Conn,
    city: Option<&str>,
    email: &str,
) -> CrmResult<Option<(User, Option<String>)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, password_hash FROM users WHERE email = $1 AND erased_at IS NULL AND \
         (city = $2 OR (city IS NULL AND $2 IS NULL))"
    ))
    .binds((email.trim().to_lowercase(), city))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| Ok((from_row(&row)?, row.try_get("password_hash")?)))
        .transpose()
}

/// Whether `password` matches the argon2 `hash` (slow on purpose: run it off the async workers).
pub fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Whether someone in `city` has the e-mail address `email`.
/// Sets how citizen `user_id` is contacted: the language of messages, the channel (`email`, or
/// `sms` for a phone number they gave), and consent to contact before they ask.
pub async fn set_preferences(
    conn: &mut Conn,
    user_id: i64,
    language: &str,
    channel: &str,
    consent: bool,
) -> CrmResult<User> {
    let user = get(conn, user_id).await?;
    if language.is_empty()
        || language.len() > 35
        || !language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(CrmError::Invalid(
            "the language is a BCP 47 tag such as en or nl-BE".into(),
        ));
    }
    let reachable = match channel {
        "email" => user.email.is_some(),
        "sms" => user.phone.is_some(),
        _ => return Err(CrmError::Invalid("the channel is email or sms".into())),
    };
    if !reachable {
        return Err(CrmError::Invalid(format!(
            "there is no {} to send to: add one first",
            if channel == "sms" {
                "phone number"
            } else {
                "e-mail address"
            }
        )));
    }
    db::execute(
        conn,
        "UPDATE users SET language = $1, channel = $2, consent = $3 WHERE id = $4",
        (language, channel, consent as i64, user_id),
    )
    .await?;
    get(conn, user_id).await
}

/// The staff and administrators of `city`, by name.
pub async fn staff_in_city(conn: &mut Conn, city: &str) -> CrmResult<Vec<User>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE city = $1 AND role IN ('staff', 'admin') AND erased_at IS NULL ORDER BY name, id"
    ))
    .bind(city)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The citizen of `city` who proved the e-mail address `email` (lowercase), if any.
pub async fn citizen_by_proven_email(
    conn: &mut Conn,
    city: &str,
    email: &str,
) -> CrmResult<Option<i64>> {
    let row = sqlx::query(
        "SELECT id FROM users WHERE city = $1 AND email = $2 AND role = 'citizen' AND email_verified_at IS NOT NULL",
    )
    .binds((city, email))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

pub async fn email_taken(conn: &mut Conn, city: &str, email: &str) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 FROM users WHERE city = $1 AND email = $2",
        (city, email),
    )
    .await?)
}

/// Marks a contact of `user_id` as proven.
pub async fn mark_verified(conn: &mut Conn, user_id: i64, channel: &str) -> CrmResult<()> {
    let column = match channel {
        "email" => "email_verified_at",
        "phone" => "phone_verified_at",
        _ => return Err(CrmError::Invalid("the channel is email or phone".into())),
    };
    db::execute(
        conn,
        &format!("UPDATE users SET {column} = $1 WHERE id = $2"),
        (db::now(), user_id),
    )
    .await?;
    Ok(())
}

/// Issues a token for `user`: `kind` is `api` (no expiry) or `session`. Returns the token itself,
/// which is never stored and cannot be shown again.
pub async fn issue_token(
    conn: &mut Conn,
    user: &User,
    kind: &str,
    label: &str,
) -> CrmResult<String> {
    let token = format!("cm_{}", hex::encode(random_bytes::<32>()));
    let now = db::now();
    let expires_at = (kind == "session").then_some(now + SESSION_SECONDS);
    db::execute(
        conn,
        "INSERT INTO tokens (hash, user_id, city, kind, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            token_hash(&token),
            user.id,
            &user.city,
            kind,
            label,
            now,
            expires_at,
        ),
    )
    .await?;
    Ok(token)
}

/// Who holds `token`, if it is valid, not expired and not revoked.
pub async fn authenticate(conn: &mut Conn, token: &str) -> CrmResult<Option<Principal>> {
    let row = sqlx::query(
        "SELECT u.id, u.city, u.role, u.department FROM tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.erased_at IS NULL",
    )
    .binds((token_hash(token), db::now()))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        let role: String = row.try_get(2)?;
        Ok(Principal {
            user_id: row.try_get(0)?,
            city: row.try_get(1)?,
            role: role.parse()?,
            department: row.try_get(3)?,
        })
    })
    .transpose()
}

/// Revokes `token`; true if it was valid.
pub async fn revoke_session(conn: &mut Conn, token: &str) -> CrmResult<bool> {
    let changed = db::execute(
        conn,
        "UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND kind = 'session' AND revoked_at IS NULL",
        (db::now(), token_hash(token)),
    )
    .await?;
    Ok(changed > 0)
}

/// The kind of a valid token (`session` or `api`), if it is one.
pub async fn token_kind(conn: &mut Conn, token: &str) -> CrmResult<Option<String>> {
    let row = sqlx::query("SELECT kind FROM tokens WHERE hash = $1 AND revoked_at IS NULL")
        .bind(token_hash(token))
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The operator, if there is one.
pub async fn operator(conn: &mut Conn) -> CrmResult<User> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE role = 'operator' AND erased_at IS NULL ORDER BY id LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound("the operator (run carmen operator init)".into()))?;
    from_row(&row)
}

/// Issues an API key of `city` for the app `label`: returns the key's id (the first 16 hex
/// characters of its hash) and the key itself, which is shown once and never stored.
pub async fn issue_api_key(
    conn: &mut Conn,
    city: &str,
    label: &str,
) -> CrmResult<(String, String)> {
    let label = label.trim();
    if label.is_empty() || label.len() > 200 {
        return Err(CrmError::Invalid(
            "a key's label is 1 to 200 characters".into(),
        ));
    }
    let client = create(
        conn,
        Role::Client,
        NewUser {
            city: Some(city.to_string()),
            name: label.to_string(),
            ..Default::default()
        },
    )
    .await?;
    let key = issue_token(conn, &client, "api", label).await?;
    Ok((token_hash(&key)[..16].to_string(), key))
}

/// Revokes the API key of `city` whose hash starts with `key_id` (16 hex characters).
pub async fn revoke_key(conn: &mut Conn, city: &str, key_id: &str) -> CrmResult<bool> {
    if key_id.len() != 16 || !key_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let changed = db::execute(
        conn,
        "UPDATE tokens SET revoked_at = $1 WHERE city = $2 AND kind = 'api' AND revoked_at IS NULL AND SUBSTR(hash, 1, 16) = $3",
        (db::now(), city, key_id.to_lowercase()),
    )
    .await?;
    Ok(changed > 0)
}

/// Whether an operator exists yet.
pub async fn operator_exists(conn: &mut Conn) -> CrmResult<bool> {
    let row =
        sqlx::query("SELECT COUNT(*) FROM users WHERE role = 'operator' AND erased_at IS NULL")
            .fetch_one(&mut *conn)
            .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_a_fresh_salt_and_short_ones_refused() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2"));
        assert_ne!(a, b);
        assert!(!a.contains("correct horse"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn tokens_are_stored_as_sha256() {
        let hash = token_hash("cm_secret");
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, "cm_secret");
    }
}
