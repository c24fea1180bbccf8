//! Publisher signatures: ed25519 over the package's name, version, component digest and manifest digest.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The lowercase hex sha256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a publisher signs for one version.
pub fn message(name: &str, version: &str, component_digest: &str, manifest: &str) -> Vec<u8> {
    format!(
        "carmen-package-v1\n{name}\n{version}\n{component_digest}\n{}\n",
        digest(manifest.as_bytes())
    )
    .into_bytes()
}

/// A fresh secret token: `prefix`, an underscore and 32 random bytes in hex.
/// What a city's host signs to report that the city runs `version` of `name`, at `at` (seconds).
pub fn report_message(name: &str, city: &str, version: &str, at: i64) -> Vec<u8> {
    format!("carmen-report\n{name}\n{city}\n{version}\n{at}").into_bytes()
}

/// What a city's host signs to publish its pilot `figures` (canonical JSON text) for `version` of
/// `name`, at `at`.
pub fn evidence_message(name: &str, city: &str, version: &str, figures: &str, at: i64) -> Vec<u8> {
    format!("carmen-evidence\n{name}\n{city}\n{version}\n{at}\n{figures}").into_bytes()
}

pub fn random_token(prefix: &str) -> String {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the operating system's random source works");
    format!("{prefix}_{}", hex::encode(secret))
}

/// A new signing key, as hex (keep it secret), and its public key, as hex.
pub fn generate() -> (String, String) {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the operating system's random source works");
    let key = SigningKey::from_bytes(&secret);
    (
        hex::encode(secret),
        hex::encode(key.verifying_key().to_bytes()),
    )
}

fn key_bytes(hex_key: &str) -> Result<[u8; 32], String> {
    hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| "a key is 64 hex characters".to_string())
}

/// Signs `message` with the secret key; the signature as hex.
pub fn sign(secret_hex: &str, message: &[u8]) -> Result<String, String> {
    let key = SigningKey::from_bytes(&key_bytes(secret_hex)?);
    Ok(hex::encode(key.sign(message).to_bytes()))
}

/// The public key (hex) of a secret key (hex).
pub fn public_of(secret_hex: &str) -> Result<String, String> {
    Ok(hex::encode(
        SigningKey::from_bytes(&key_bytes(secret_hex)?)
            .verifying_key()
            .to_bytes(),
    ))
}

/// Whether `signature_hex` is the publisher's signature of `message`.
pub fn verify(public_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let Ok(public) = key_bytes(public_hex) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&public) else {
        return false;
    };
    let Some(bytes) = hex::decode(signature_hex.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&bytes)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_message_and_key() {
        let (secret, public) = generate();
        assert_eq!(public_of(&secret).unwrap(), public);
        let msg = message("street-issue", "1.0.0", &digest(b"component"), "[package]");
        let sig = sign(&secret, &msg).unwrap();
        assert!(verify(&public, &msg, &sig));
        let other = message("street-issue", "1.0.1", &digest(b"component"), "[package]");
        assert!(!verify(&public, &other, &sig));
        let (_, stranger) = generate();
        assert!(!verify(&stranger, &msg, &sig));
        assert!(!verify(&public, &msg, "00"));
    }
}
