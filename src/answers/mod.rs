//! Ask the customer: answer links (signed per story), their URLs, and the answer page.
pub mod limit;
pub mod page;
pub mod token;

use crate::domain::Answer;
use crate::library::access::Key;
use token::Link;

/// The answer page's address for `link` under `public_url`.
pub fn url(public_url: &str, key: &Key, link: Link) -> String {
    format!("{public_url}/answer/{}", token::sign(key, link))
}

/// The link, and its three one-click variants (each only preselects the choice).
pub fn urls(public_url: &str, key: &Key, link: Link) -> (String, Vec<(Answer, String)>) {
    let base = url(public_url, key, link);
    let variants = Answer::ALL
        .into_iter()
        .map(|a| (a, format!("{base}?a={}", a.as_str())))
        .collect();
    (base, variants)
}
