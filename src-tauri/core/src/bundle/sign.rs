//! Signing bundles in minisign's format, so that ops can check who made a bundle with the
//! stock `minisign -V` as well as with `plansmith verify --pubkey`.
//!
//! The signature covers `manifest.json`, which holds the SHA-256 of every other entry, so it
//! covers the whole bundle; it travels inside the bundle as `manifest.json.minisig`. Keys are
//! minisign key files (`plansmith keygen` writes an unencrypted pair; a password-protected
//! secret key from `minisign -G` works when its password is given). The trusted comment
//! names the bundle and its creation time, both signed.
//!
//! Note: the minisign crate mixes fresh randomness into every signature (hedged Ed25519, a
//! defence against fault attacks), so two signatures of the same manifest differ in bytes
//! while both verify. Everything else in a signed bundle is byte-identical run to run.

use std::io::Cursor;

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use crate::error::{CoreError, ErrorKind, Result};

/// A new key pair as the texts of its two files: (secret key, public key).
pub fn keygen() -> Result<(String, String)> {
    let pair = KeyPair::generate_unencrypted_keypair().map_err(|e| key_error("generate a key pair", e))?;
    let sk = pair
        .sk
        .to_box(Some("plansmith bundle signing key (unencrypted; keep it private)"))
        .map_err(|e| key_error("write the secret key", e))?;
    let pk = pair.pk.to_box().map_err(|e| key_error("write the public key", e))?;
    Ok((sk.to_string(), pk.to_string()))
}

fn key_error(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorKind::InvalidInput, format!("could not {what}: {e}")).with_field("key")
}

/// Reads a secret key file's text; `password` for a password-protected key.
pub fn secret_key(text: &str, password: Option<&str>) -> Result<SecretKey> {
    let b = SecretKeyBox::from_string(text)
        .map_err(|e| key_error("read the secret key (is it a minisign secret key file?)", e))?;
    let sk = match password {
        Some(p) => b.into_secret_key(Some(p.to_string())),
        None => b.into_unencrypted_secret_key(),
    };
    sk.map_err(|e| {
        key_error(
            "use the secret key (a password-protected key needs PLANSMITH_SIGN_PASSWORD; `plansmith keygen` writes unencrypted keys)",
            e,
        )
    })
}

/// Reads a public key: a minisign `.pub` file's text, or the bare base64 key line.
pub fn public_key(text: &str) -> Result<PublicKey> {
    let trimmed = text.trim();
    let parsed = if trimmed.starts_with("untrusted comment:") {
        PublicKeyBox::from_string(trimmed).and_then(|b| b.into_public_key())
    } else {
        PublicKey::from_base64(trimmed)
    };
    parsed.map_err(|e| key_error("read the public key (is it a minisign public key?)", e))
}

/// Signs `manifest` with `sk`; returns the text of `manifest.json.minisig`.
pub fn sign(manifest: &[u8], sk: &SecretKey, trusted_comment: &str) -> Result<String> {
    let pk = PublicKey::from_secret_key(sk).map_err(|e| key_error("derive the public key", e))?;
    let sig = minisign::sign(
        Some(&pk),
        sk,
        Cursor::new(manifest),
        Some(trusted_comment),
        Some("signature from plansmith secret key"),
    )
    .map_err(|e| key_error("sign the manifest", e))?;
    Ok(sig.to_string())
}

/// Checks `signature` (a `.minisig` text) over `manifest` with `pk`. `Ok(trusted comment)`
/// when it holds, `Err(reason)` when it does not.
pub fn verify(manifest: &[u8], signature: &str, pk: &PublicKey) -> std::result::Result<String, String> {
    let sig = SignatureBox::from_string(signature)
        .map_err(|e| format!("manifest.json.minisig is not a minisign signature ({e})"))?;
    minisign::verify(pk, &sig, Cursor::new(manifest), true, false, false)
        .map_err(|e| format!("the signature does not hold: {e}"))?;
    sig.trusted_comment().map_err(|e| format!("the signature's trusted comment is unreadable ({e})"))
}
