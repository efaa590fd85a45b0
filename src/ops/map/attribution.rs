//! The source and attribution lines at the foot of a map, said once: indicator licences and
//! geography attributions often repeat each other ("Open Government Licence v3.0. Source: …
//! licensed under the Open Government Licence v3.0."), so a sentence already said — or said
//! within a longer sentence of any line — is left out.

/// `lines` with repeated sentences removed; line order and the first wording kept.
///
/// ```
/// use local_atlas::ops::map::attribution::dedupe;
/// let lines = vec![
///     "Open Government Licence v3.0. Source: MHCLG, licensed under the Open Government Licence v3.0.".to_string(),
///     "Source: ONS. Contains OS data © Crown copyright.".to_string(),
///     "Contains OS data © Crown copyright.".to_string(),
/// ];
/// assert_eq!(dedupe(&lines), vec![
///     "Source: MHCLG, licensed under the Open Government Licence v3.0.".to_string(),
///     "Source: ONS. Contains OS data © Crown copyright.".to_string(),
/// ]);
/// ```
pub fn dedupe(lines: &[String]) -> Vec<String> {
    let split: Vec<Vec<String>> = lines.iter().map(|l| sentences(l)).collect();
    let all: Vec<String> = split.iter().flatten().map(|s| key(s)).collect();
    let mut said: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in &split {
        let mut kept = Vec::new();
        for sentence in line {
            let k = key(sentence);
            let within_longer = all.iter().any(|o| o.len() > k.len() && o.contains(&k));
            if k.is_empty() || within_longer || said.contains(&k) {
                continue;
            }
            said.push(k);
            kept.push(with_full_stop(sentence));
        }
        if !kept.is_empty() {
            out.push(kept.join(" "));
        }
    }
    out
}

/// The sentences of `line`, split at a full stop followed by a space.
fn sentences(line: &str) -> Vec<String> {
    line.split(". ")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// How two sentences are compared: case and the closing full stop ignored.
fn key(sentence: &str) -> String {
    sentence.trim().trim_end_matches('.').trim().to_lowercase()
}

fn with_full_stop(sentence: &str) -> String {
    let s = sentence.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}
