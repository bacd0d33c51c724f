//! Access tokens (JWT, HS256 pinned), refresh tokens and API tokens.

use crate::config::JwtSettings;
use crate::error::{ApiError, ApiResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Prefix that tells an API token from a JWT.
pub const API_TOKEN_PREFIX: &str = "ecops_";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The session this token belongs to; revoking the session stops the token.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// Not before (RFC 7519 §4.1.5); ours never set it, but a token that does is held to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub jti: String,
}

/// Signs an access token for `user_id` in `session_id`.
pub fn issue_access(
    jwt: &JwtSettings,
    user_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<String> {
    let claims = Claims {
        sub: user_id.to_string(),
        sid: session_id.to_string(),
        iss: jwt.issuer.clone(),
        aud: jwt.audience.clone(),
        iat: now.timestamp(),
        exp: now.timestamp() + jwt.access_ttl_secs,
        nbf: None,
        jti: Uuid::now_v7().to_string(),
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&jwt.secret),
    )
    .map_err(|e| ApiError::internal(format!("signing failed: {e}")))
}

/// Verifies signature (HS256 only), issuer and audience, then expiry and not-before against our
/// clock (with the configured leeway for `nbf` and `iat`).
pub fn verify_access(jwt: &JwtSettings, token: &str, now: DateTime<Utc>) -> Result<Claims, String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    validation.set_issuer(&[&jwt.issuer]);
    validation.set_audience(&[&jwt.audience]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    // Expiry is judged against the injected clock below, not the library's own reading of it.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let data = decode::<Claims>(token, &DecodingKey::from_secret(&jwt.secret), &validation)
        .map_err(|e| e.to_string())?;
    let claims = data.claims;
    if claims.exp <= now.timestamp() {
        return Err("token expired".to_owned());
    }
    if claims.iat > now.timestamp() + jwt.leeway_secs {
        return Err("token issued in the future".to_owned());
    }
    if claims
        .nbf
        .is_some_and(|nbf| nbf > now.timestamp() + jwt.leeway_secs)
    {
        return Err("token not valid yet".to_owned());
    }
    if claims.jti.is_empty() {
        return Err("token has no id".to_owned());
    }
    Ok(claims)
}

/// A fresh random secret, URL-safe.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a refresh or API token: its SHA-256, hex. The token itself has 256 random
/// bits, so a fast hash is enough; a slow one would only burden every request.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_secret())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> JwtSettings {
        JwtSettings {
            secret: b"test-secret-test-secret-test-secret".to_vec(),
            issuer: "ecops".into(),
            audience: "ecops-api".into(),
            access_ttl_secs: 900,
            refresh_ttl_days: 14,
            leeway_secs: 60,
        }
    }

    #[test]
    fn access_tokens_round_trip_and_expire_by_our_clock() {
        let s = settings();
        let now = Utc::now();
        let token = issue_access(&s, Uuid::now_v7(), Uuid::now_v7(), now).unwrap_or_default();
        assert!(verify_access(&s, &token, now).is_ok());
        assert!(verify_access(&s, &token, now + chrono::Duration::seconds(900)).is_err());
    }
}
