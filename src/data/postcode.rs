//! UK postcodes as keys: every spelling of one postcode (`pcd` "WN1 1AA" padded to 7,
//! `pcd2` padded to 8, `pcds` "WN1 1AA", lower case, stray spaces) is one key, upper case
//! without spaces ("WN11AA"); and whether a text has the shape of a postcode at all.

/// The key of a postcode: upper case, every space removed.
///
/// ```
/// use local_atlas::data::postcode::normalise;
/// assert_eq!(normalise("WN1  1AA"), "WN11AA"); // pcd2
/// assert_eq!(normalise(" wn1 1aa "), "WN11AA");
/// assert_eq!(normalise("M1 1AE"), "M11AE");
/// ```
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether `key` (a [`normalise`]d postcode) has the shape of a UK postcode: an outward code
/// of a letter or two, a digit and an optional letter or digit, then the inward code of a digit
/// and two letters (5 to 7 characters in all).
///
/// ```
/// use local_atlas::data::postcode::{is_postcode, normalise};
/// for ok in ["WN1 1AA", "M1 1AE", "SW1A 2AA", "EC1A 1BB", "B33 8TH", "CR2 6XH", "DN55 1PT"] {
///     assert!(is_postcode(&normalise(ok)), "{ok}");
/// }
/// for bad in ["WN1", "11AA", "WN1 1A1", "WN1 AAA", "ABCDEFGH", "W1 1AAA", ""] {
///     assert!(!is_postcode(&normalise(bad)), "{bad}");
/// }
/// ```
pub fn is_postcode(key: &str) -> bool {
    let c: Vec<char> = key.chars().collect();
    if !(5..=7).contains(&c.len()) || !c.iter().all(char::is_ascii_alphanumeric) {
        return false;
    }
    let (outward, inward) = c.split_at(c.len() - 3);
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_alphabetic()
        && inward[2].is_ascii_alphabetic();
    let letters = outward
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let rest = &outward[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && rest.first().is_some_and(char::is_ascii_digit)
        && rest.len() <= 2;
    inward_ok && outward_ok
}

/// The key spelled as a reader writes it, outward and inward code apart ("WN1 1AA").
///
/// ```
/// use local_atlas::data::postcode::spelled;
/// assert_eq!(spelled("WN11AA"), "WN1 1AA");
/// assert_eq!(spelled("SW1A2AA"), "SW1A 2AA");
/// ```
pub fn spelled(key: &str) -> String {
    match key.len().checked_sub(3) {
        Some(at) if at > 0 && key.is_char_boundary(at) => format!("{} {}", &key[..at], &key[at..]),
        _ => key.to_string(),
    }
}
