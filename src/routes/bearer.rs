//! Bearer tokens (`Authorization: Bearer …`, the scheme in any case), compared in constant time.
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use subtle::ConstantTimeEq;

use crate::config::Secret;

/// Whether the request carries `token` as its bearer token.
pub fn carries(headers: &HeaderMap, token: &Secret) -> bool {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .is_some_and(|(_, given)| {
            bool::from(given.trim().as_bytes().ct_eq(token.expose().as_bytes()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn the_scheme_is_read_in_any_case_and_the_token_exactly() {
        let token = Secret::new("s3cret");
        for value in [
            "Bearer s3cret",
            "bearer s3cret",
            "BEARER  s3cret ",
            "BeArEr s3cret",
        ] {
            assert!(carries(&with(value), &token), "{value}");
        }
        for value in [
            "Bearer S3CRET",
            "Basic s3cret",
            "Bearers3cret",
            "s3cret",
            "Bearer s3cre",
        ] {
            assert!(!carries(&with(value), &token), "{value}");
        }
        assert!(!carries(&HeaderMap::new(), &token));
    }
}
