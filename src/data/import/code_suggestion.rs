//! The likely intended code of an area code that matches no boundary: partners' files lose or
//! double a digit ("E0800003" for E08000003, as in the CQC GP list) or swap a letter O for a
//! zero. A code one such edit away from exactly one boundary code is suggested; the import
//! reports the suggestion and never applies it by itself.

/// The one boundary code (`known`) that `code` becomes by inserting, deleting or changing one
/// digit, or by reading letter O as zero; `None` when there is none or more than one.
///
/// ```
/// use local_atlas::data::import::code_suggestion::likely_code;
/// let known = |c: &str| ["E08000003", "E08000001", "E05000701"].contains(&c);
/// assert_eq!(likely_code("E0800003", known).as_deref(), Some("E08000003"));
/// assert_eq!(likely_code("E080000033", known).as_deref(), Some("E08000003"));
/// assert_eq!(likely_code("E08OOOOO3", known).as_deref(), Some("E08000003"));
/// assert_eq!(likely_code("E08000002", known), None, "two codes one digit away: no guess");
/// assert_eq!(likely_code("W99999999", known), None);
/// ```
pub fn likely_code(code: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    let code = code.trim().to_uppercase();
    let zeroed = code.replace('O', "0");
    if zeroed != code && known(&zeroed) {
        return Some(zeroed);
    }
    let chars: Vec<char> = zeroed.chars().collect();
    if chars.len() > 20 {
        return None;
    }
    let mut found: Vec<String> = Vec::new();
    let mut consider = |c: String| {
        if c != zeroed && known(&c) && !found.contains(&c) {
            found.push(c);
        }
    };
    for i in 0..=chars.len() {
        for d in '0'..='9' {
            let mut v = chars.clone();
            v.insert(i, d);
            consider(v.into_iter().collect());
        }
    }
    for i in 0..chars.len() {
        if chars[i].is_ascii_digit() {
            let mut v = chars.clone();
            v.remove(i);
            consider(v.iter().collect());
            for d in '0'..='9' {
                let mut w = chars.clone();
                w[i] = d;
                consider(w.into_iter().collect());
            }
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}
