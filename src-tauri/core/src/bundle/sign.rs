//! Signing bundles in minisign's format, so that ops can check who made a bundle with the
//! stock `minisign -V` as well as with `plansmith verify --pubkey`.
//!
//! The signature covers `manifest.json`, which holds the SHA-256 of every other entry, so it
//! covers the whole bundle; it travels inside the bundle as `manifest.json.minisig`. Keys are
//! minisign key files (`plansmith keygen` writes an unencrypted pair; a password-protected
//! secret key from `minisign -G` works when its password is given). The trusted comment
//! names the bundle and its creation time, both signed.
//!
//! Signatures are deterministic, like the rest of the bundle: the same manifest signed with the
//! same key and trusted comment gives the same bytes. Ed25519 (RFC 8032) derives its nonce from
//! the key and the message, so we write the minisign format ourselves ([`sign`]) with
//! `ed25519-dalek` over BLAKE2b-512 of the manifest (minisign's prehashed `ED` algorithm), plus
//! the global signature over the signature and the trusted comment. The minisign crate would
//! mix fresh randomness into each signature (hedged signing), so it is used only to decrypt
//! password-protected key files, to generate keys and to verify.
//!
//! Secret keys are read into our own [`SecretKey`] (key id and Ed25519 key). An unencrypted
//! key is decoded here: the stock `minisign -G -W` leaves its checksum blank, which the
//! minisign crate refuses as corrupted, so we check instead that the key's public half is the
//! one its secret half derives.

use std::io::Cursor;

use blake2::{Blake2b512, Digest};
use ct_codecs::{Decoder, Encoder};
use ed25519_dalek::{Signer, SigningKey};
use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKeyBox, SignatureBox};

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

/// A minisign secret key, decoded (and decrypted): what signing needs.
#[derive(Clone)]
pub struct SecretKey {
    /// The key id shared with the public key (minisign's `keynum`).
    keynum: [u8; 8],
    key: SigningKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({:016X})", u64::from_le_bytes(self.keynum))
    }
}

/// Where a minisign secret key (the bytes of its file's second line) keeps its parts:
/// signature algorithm (2), KDF algorithm (2), checksum algorithm (2), KDF salt (32), KDF ops
/// and memory limits (8 + 8), then key id (8), secret key (64: seed and public key), checksum
/// (32). The last three are encrypted in a password-protected key.
const KDF_AT: usize = 2;
const KEYNUM_AT: usize = 54;
const SEED_AT: usize = KEYNUM_AT + 8;
const PUBLIC_AT: usize = SEED_AT + 32;
const KEY_END: usize = PUBLIC_AT + 32;
const FILE_LEN: usize = KEY_END + 32;

impl SecretKey {
    /// From the decoded (decrypted) bytes of a minisign secret key.
    fn from_minisign_bytes(raw: &[u8]) -> Result<SecretKey> {
        if raw.len() != FILE_LEN || &raw[..KDF_AT] != b"Ed" {
            return Err(key_error("read the secret key", "it is not a minisign Ed25519 secret key"));
        }
        let seed: [u8; 32] = raw[SEED_AT..PUBLIC_AT].try_into().expect("32 bytes");
        let key = SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes()[..] != raw[PUBLIC_AT..KEY_END] {
            return Err(key_error(
                "use the secret key",
                "its public half is not the one its secret half derives (a corrupted key, or a wrong password)",
            ));
        }
        Ok(SecretKey { keynum: raw[KEYNUM_AT..SEED_AT].try_into().expect("8 bytes"), key })
    }

    /// The key id, as minisign prints it.
    pub fn id(&self) -> String {
        format!("{:016X}", u64::from_le_bytes(self.keynum))
    }
}

fn protected(raw: &[u8]) -> bool {
    raw.get(KDF_AT..KDF_AT + 2).is_some_and(|kdf| kdf != [0, 0])
}

/// Is this secret key file password-protected? (Refused, like [`secret_key`], when the text
/// is not a minisign secret key.)
pub fn needs_password(text: &str) -> Result<bool> {
    let line = text.lines().nth(1).unwrap_or_default().trim();
    let raw = ct_codecs::Base64::decode_to_vec(line, None)
        .ok()
        .filter(|raw| raw.len() == FILE_LEN && &raw[..KDF_AT] == b"Ed" && text.starts_with("untrusted comment:"))
        .ok_or_else(|| key_error("read the secret key", "it is not a minisign secret key file"))?;
    Ok(protected(&raw))
}

/// Reads a secret key file's text; `password` for a password-protected key (ignored for an
/// unencrypted one). Never prompts: a protected key without a password is a clear error.
pub fn secret_key(text: &str, password: Option<&str>) -> Result<SecretKey> {
    let unreadable =
        |e: &dyn std::fmt::Display| key_error("read the secret key (is it a minisign secret key file?)", e);
    let mut lines = text.lines();
    let comment = lines.next().unwrap_or_default();
    let line = lines.next().unwrap_or_default().trim();
    if !comment.starts_with("untrusted comment:") || line.is_empty() {
        return Err(unreadable(&"a minisign key file has a comment line, then the key"));
    }
    let raw = ct_codecs::Base64::decode_to_vec(line, None).map_err(|e| unreadable(&e))?;
    if !protected(&raw) {
        return SecretKey::from_minisign_bytes(&raw);
    }
    let Some(password) = password else {
        return Err(key_error(
            "use the secret key",
            "it is password-protected; give its password (PLANSMITH_SIGN_PASSWORD on the command line), or use a key from `plansmith keygen`",
        ));
    };
    let decrypted = SecretKeyBox::from_string(text)
        .and_then(|b| b.into_secret_key(Some(password.to_string())))
        .map_err(|e| key_error("decrypt the secret key (is the password right?)", e))?;
    SecretKey::from_minisign_bytes(&decrypted.to_bytes())
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

/// The untrusted comment of every signature we write.
const UNTRUSTED_COMMENT: &str = "signature from plansmith secret key";

fn base64(bytes: &[u8]) -> String {
    ct_codecs::Base64::encode_to_string(bytes).expect("base64 of a short buffer cannot fail")
}

/// Signs `manifest` with `sk`; returns the text of `manifest.json.minisig`, a minisign
/// signature (prehashed Ed25519, `ED`) with `trusted_comment`. Deterministic (module doc).
pub fn sign(manifest: &[u8], sk: &SecretKey, trusted_comment: &str) -> Result<String> {
    if trusted_comment.contains(['\n', '\r']) {
        return Err(CoreError::invalid("key", "a signature's trusted comment is one line"));
    }
    let key = &sk.key;
    let prehash = Blake2b512::digest(manifest);
    let signature = key.sign(&prehash).to_bytes();
    let mut signed_comment = signature.to_vec();
    signed_comment.extend_from_slice(trusted_comment.as_bytes());
    let global = key.sign(&signed_comment).to_bytes();
    let mut line = Vec::with_capacity(2 + 8 + 64);
    line.extend_from_slice(b"ED");
    line.extend_from_slice(&sk.keynum);
    line.extend_from_slice(&signature);
    Ok(format!(
        "untrusted comment: {UNTRUSTED_COMMENT}\n{}\ntrusted comment: {trusted_comment}\n{}\n",
        base64(&line),
        base64(&global)
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_deterministic_and_minisign_verifies_them() {
        let (sk_text, pk_text) = keygen().unwrap();
        let sk = secret_key(&sk_text, None).unwrap();
        let pk = public_key(&pk_text).unwrap();
        let a = sign(b"{\"format\": \"plansmith-bundle\"}\n", &sk, "timestamp:0\tfile:manifest.json").unwrap();
        let b = sign(b"{\"format\": \"plansmith-bundle\"}\n", &sk, "timestamp:0\tfile:manifest.json").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            verify(b"{\"format\": \"plansmith-bundle\"}\n", &a, &pk),
            Ok("timestamp:0\tfile:manifest.json".into())
        );
        assert!(verify(b"{\"format\": \"plansmith-bundle!\"}\n", &a, &pk).is_err());
        let lines: Vec<&str> = a.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "untrusted comment: signature from plansmith secret key");
        let raw = ct_codecs::Base64::decode_to_vec(lines[1], None).unwrap();
        assert_eq!((&raw[..2], &raw[2..10], raw.len()), (&b"ED"[..], pk.keynum(), 74));
        assert!(sign(b"x", &sk, "two\nlines").is_err());
    }

    #[test]
    fn a_password_protected_key_needs_its_password() {
        let pair = KeyPair::generate_encrypted_keypair(Some("correct horse".into())).unwrap();
        let text = pair.sk.to_box(None).unwrap().to_string();
        let pk = pair.pk;
        assert!(needs_password(&text).unwrap());
        let e = secret_key(&text, None).unwrap_err();
        assert!(e.message().contains("password-protected"), "{e}");
        assert!(secret_key(&text, Some("wrong")).is_err());
        let sk = secret_key(&text, Some("correct horse")).unwrap();
        let s = sign(b"manifest", &sk, "c").unwrap();
        assert_eq!(verify(b"manifest", &s, &pk), Ok("c".into()));
        // An unencrypted key ignores a password given for nothing.
        let (plain, _) = keygen().unwrap();
        assert!(secret_key(&plain, Some("unused")).is_ok());
        assert!(!needs_password(&plain).unwrap());
        assert!(needs_password("untrusted comment: x\nRWQ=\n").is_err());
    }

    #[test]
    fn an_unencrypted_key_without_checksum_loads_and_a_mismatched_one_does_not() {
        let (text, _) = keygen().unwrap();
        let line = text.lines().nth(1).unwrap();
        let mut raw = ct_codecs::Base64::decode_to_vec(line, None).unwrap();
        let key = |raw: &[u8]| format!("untrusted comment: k\n{}\n", base64(raw));
        raw[KEY_END..].fill(0); // what `minisign -G -W` writes
        let sk = secret_key(&key(&raw), None).unwrap();
        assert_eq!(sk.id(), secret_key(&text, None).unwrap().id());
        raw[PUBLIC_AT] ^= 1;
        let e = secret_key(&key(&raw), None).unwrap_err();
        assert!(e.message().contains("public half"), "{e}");
        assert!(secret_key("not a key", None).is_err());
        assert!(secret_key("untrusted comment: x\n!!!\n", None).is_err());
    }
}
