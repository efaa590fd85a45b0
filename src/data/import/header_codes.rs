//! Indicator codes from column headers: a wide file's header such as `Average rent (£/month)`
//! becomes the code `average_rent_gbp_month` (lower case ASCII letters, digits and `_`, as
//! codes are typed on command lines and in recipes), and the header itself is kept as the
//! indicator's title.

/// The code for a header: currency and percent signs spelled out, anything else that is not
/// a letter or digit a single `_`, accents dropped to their letter, lower case; never empty.
///
/// ```
/// use local_atlas::data::import::header_codes::clean_code;
/// assert_eq!(clean_code("Average rent (£/month)"), "average_rent_gbp_month");
/// assert_eq!(clean_code("imd_score"), "imd_score");
/// assert_eq!(clean_code("Children in poverty %"), "children_in_poverty_pct");
/// assert_eq!(clean_code("Crime & ASB"), "crime_and_asb");
/// assert_eq!(clean_code("Café visits"), "cafe_visits");
/// assert_eq!(clean_code("2019 count"), "i_2019_count");
/// assert_eq!(clean_code("£££"), "gbp");
/// assert_eq!(clean_code("???"), "indicator");
/// ```
pub fn clean_code(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let push_word = |out: &mut String, w: &str| {
        if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        out.push_str(w);
        out.push('_');
    };
    for c in header.trim().chars() {
        match c {
            '£' => push_word(&mut out, "gbp"),
            '$' => push_word(&mut out, "usd"),
            '€' => push_word(&mut out, "eur"),
            '%' => push_word(&mut out, "pct"),
            '&' | '+' => push_word(&mut out, "and"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            c => match plain_letter(c) {
                Some(l) => out.push(l),
                None if !out.is_empty() && !out.ends_with('_') => out.push('_'),
                None => {}
            },
        }
    }
    let mut code = collapse(&out);
    // Repeated words from repeated signs ("£££") said once.
    code = dedupe_words(&code);
    if code.is_empty() {
        return "indicator".into();
    }
    if code.starts_with(|c: char| c.is_ascii_digit()) {
        code.insert_str(0, "i_");
    }
    code
}

/// The ASCII letter of a common accented Latin letter.
fn plain_letter(c: char) -> Option<char> {
    let l = match c.to_lowercase().next()? {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ŵ' => 'w',
        _ => return None,
    };
    Some(l)
}

fn collapse(s: &str) -> String {
    s.split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn dedupe_words(s: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    for w in s.split('_') {
        if words.last() != Some(&w) {
            words.push(w);
        }
    }
    words.join("_")
}

/// Codes for every header, made unique with `_2`, `_3`… where two headers clean to one code.
/// A header already used as a code (named in the metadata file) is kept as it is.
pub fn codes_for(headers: &[&str], keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(headers.len());
    for h in headers {
        let base = if keep(h) {
            h.to_string()
        } else {
            clean_code(h)
        };
        let mut code = base.clone();
        let mut n = 2;
        while out.contains(&code) {
            code = format!("{base}_{n}");
            n += 1;
        }
        out.push(code);
    }
    out
}
