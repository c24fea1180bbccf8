//! CSRF tokens of the pages' forms: a random token in a `SameSite=Strict` cookie, repeated in a
//! hidden field of every form; a post whose field does not match the cookie is refused.

use axum::http::HeaderMap;

/// The cookie holding the visitor's token.
const COOKIE: &str = "carmen_csrf";

/// The hidden form field repeating it.
pub const FIELD: &str = "csrf";

/// A visitor's CSRF token.
pub struct Token {
    value: String,
    /// Whether it came with the request (else it was made for this answer).
    presented: bool,
}

impl Token {
    /// The token of the request's cookie, or a new one with the cookie that sets it.
    pub fn of(headers: &HeaderMap) -> (Token, Option<String>) {
        let kept = super::cookie(headers, COOKIE)
            .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
        match kept {
            Some(value) => (
                Token {
                    value: value.to_string(),
                    presented: true,
                },
                None,
            ),
            None => {
                let (token, cookie) = Token::fresh();
                (token, Some(cookie))
            }
        }
    }

    /// A new token and the cookie that sets it: for a new visitor, and at every sign-in, so that
    /// a token known before signing in (planted by someone else) is worth nothing after.
    pub fn fresh() -> (Token, String) {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the system's random source");
        let value = hex::encode(bytes);
        let cookie = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict");
        (
            Token {
                value,
                presented: false,
            },
            cookie,
        )
    }

    /// The value forms carry.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether `field` (the form's hidden field) matches the token the request's cookie carried.
    pub fn accepts(&self, field: Option<&str>) -> bool {
        let Some(field) = field else { return false };
        self.presented
            && field.len() == self.value.len()
            && field
                .bytes()
                .zip(self.value.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_the_token_of_the_cookie_is_accepted() {
        let (fresh, cookie) = Token::of(&HeaderMap::new());
        let cookie = cookie.expect("a new visitor gets a cookie");
        assert!(
            !fresh.accepts(Some(fresh.value())),
            "a token the request did not carry"
        );
        let mut headers = HeaderMap::new();
        let pair = cookie.split(';').next().unwrap().to_string();
        headers.insert(
            "cookie",
            HeaderValue::from_str(&format!("a=b; {pair}")).unwrap(),
        );
        let (kept, none) = Token::of(&headers);
        assert!(none.is_none());
        assert_eq!(kept.value(), fresh.value());
        assert!(kept.accepts(Some(fresh.value())));
        assert!(!kept.accepts(None));
        assert!(!kept.accepts(Some("")));
        let mut other = fresh.value().to_string();
        other.replace_range(0..1, if other.starts_with('0') { "1" } else { "0" });
        assert!(!kept.accepts(Some(&other)));
    }
}
