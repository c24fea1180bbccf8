//! Contact details in one form, so that they can be matched exactly: e-mail addresses trimmed and
//! lowercase, phone numbers in E.164 (`+31612345678`). Anything else is refused, never guessed at.

use super::{CrmError, CrmResult};

/// `text` as a normalised e-mail address.
pub fn email(text: &str) -> CrmResult<String> {
    let email = text.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split('@').count() == 2
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if valid {
        Ok(email)
    } else {
        Err(CrmError::Invalid(format!(
            "{text:?} is not an e-mail address"
        )))
    }
}

/// `text` as a phone number in E.164: a `+` (or `00`) and the country code, then 8 to 15 digits
/// in all; spaces, dots, dashes and parentheses between them are dropped.
pub fn phone(text: &str) -> CrmResult<String> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '/'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"));
    match digits {
        Some(digits)
            if (8..=15).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0') =>
        {
            Ok(format!("+{digits}"))
        }
        _ => Err(CrmError::Invalid(format!(
            "{text:?} is not a phone number in international form, such as +31 6 1234 5678"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_e164_or_are_refused() {
        assert_eq!(phone("+31 6 1234-5678").unwrap(), "+31612345678");
        assert_eq!(phone("0031 (6) 12345678").unwrap(), "+31612345678");
        for bad in [
            "-",
            "",
            "06 1234 5678",
            "+31 6 1234 5678 999 999 9",
            "+0 123456789",
            "+31abc45678",
        ] {
            assert!(phone(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails_are_lowercase_and_whole() {
        assert_eq!(email(" Ann@X.com ").unwrap(), "ann@x.com");
        for bad in [
            "ann",
            "@x.com",
            "ann@x",
            "ann@@x.com",
            "a nn@x.com",
            "ann@x..com",
            "",
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
    }
}
