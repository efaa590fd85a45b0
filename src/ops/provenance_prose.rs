//! "How it was made" in words. Saved results keep their full request as JSON provenance (so a
//! result can be re-run exactly); a reader is shown it as a sentence instead: what was done,
//! to what, with which settings, by which version.

use serde_json::{Map, Value};

/// The most list items spelled out before "… (N in all)".
const MAX_LISTED: usize = 6;

/// `provenance` (JSON or plain text) as a sentence a reader can follow; plain text is returned
/// as it is.
///
/// ```
/// use local_atlas::ops::provenance_prose::describe;
/// let json = r#"{"tool":"local-atlas 0.1.0","request":{"statistic":"lisa","geography":"lsoa11",
///   "indicator":"health_score","period":null,"weights":"queen","permutations":999,"seed":12345,
///   "alpha":0.05,"fdr":true,"two_sided":false,"save":true},"period":"2019","n":1673,"excluded":0}"#;
/// assert_eq!(
///     describe(json),
///     "Local Moran's I (LISA) of health_score on lsoa11, 2019: queen weights, 999 permutations \
///      (seed 12345), significance 5% with the false discovery rate controlled; 1673 areas, 0 \
///      left out. Made by local-atlas 0.1.0."
/// );
/// assert_eq!(describe("imported from rent.csv"), "imported from rent.csv");
/// ```
pub fn describe(provenance: &str) -> String {
    let Ok(Value::Object(top)) = serde_json::from_str::<Value>(provenance) else {
        return provenance.to_string();
    };
    let tool = top.get("tool").and_then(Value::as_str);
    let body = match top.get("request").and_then(Value::as_object) {
        Some(req) if req.get("statistic").is_some() => statistic(req, &top),
        _ => generic(&top),
    };
    match tool {
        Some(t) => format!("{body}. Made by {t}."),
        None => format!("{body}."),
    }
}

/// A `stats` request: the statistic, its data and its settings.
fn statistic(req: &Map<String, Value>, top: &Map<String, Value>) -> String {
    let text = |m: &Map<String, Value>, k: &str| m.get(k).map(plain).unwrap_or_default();
    let name = match text(req, "statistic").as_str() {
        "lisa" => "Local Moran's I (LISA)".to_string(),
        "gistar" => "Getis-Ord Gi*".to_string(),
        "moran" => "Global Moran's I".to_string(),
        other => other.to_string(),
    };
    let period = top
        .get("period")
        .or_else(|| req.get("period"))
        .map(plain)
        .filter(|p| !p.is_empty())
        .map(|p| format!(", {p}"))
        .unwrap_or_default();
    let mut settings = format!(
        "{} weights, {} permutations (seed {})",
        text(req, "weights"),
        text(req, "permutations"),
        text(req, "seed")
    );
    if let Some(a) = req.get("alpha").and_then(Value::as_f64) {
        let pct = format!("{:.3}", a * 100.0);
        let pct = pct.trim_end_matches('0').trim_end_matches('.');
        settings.push_str(&format!(", significance {pct}%"));
    }
    if req.get("fdr") == Some(&Value::Bool(true)) {
        settings.push_str(" with the false discovery rate controlled");
    }
    if req.get("two_sided") == Some(&Value::Bool(true)) {
        settings.push_str(", two-sided");
    }
    let counts = match (top.get("n"), top.get("excluded")) {
        (Some(n), Some(x)) => format!("; {} areas, {} left out", plain(n), plain(x)),
        _ => String::new(),
    };
    format!(
        "{name} of {} on {}{period}: {settings}{counts}",
        text(req, "indicator"),
        text(req, "geography")
    )
}

/// Any other provenance: its fields as "name value" phrases, lists shortened.
fn generic(top: &Map<String, Value>) -> String {
    let mut phrases = Vec::new();
    let operation = top.get("operation").map(plain);
    for (k, v) in top {
        if k == "tool" || k == "operation" {
            continue;
        }
        flatten(k, v, &mut phrases);
    }
    let list = phrases.join(", ");
    match operation {
        Some(op) if list.is_empty() => op,
        Some(op) => format!("{op}: {list}"),
        None => list,
    }
}

fn flatten(key: &str, v: &Value, out: &mut Vec<String>) {
    let name = key.replace('_', " ");
    match v {
        Value::Null | Value::Bool(false) => {}
        Value::Bool(true) => out.push(name),
        Value::Object(m) if key == "request" || key == "spec" => {
            for (k, v) in m {
                flatten(k, v, out);
            }
        }
        Value::Object(m) => {
            let mut inner = Vec::new();
            for (k, v) in m {
                flatten(k, v, &mut inner);
            }
            if !inner.is_empty() {
                out.push(format!("{name} ({})", inner.join(", ")));
            }
        }
        Value::Array(items) => {
            let shown: Vec<String> = items.iter().take(MAX_LISTED).map(plain).collect();
            let more = if items.len() > MAX_LISTED {
                format!(" … ({} in all)", items.len())
            } else {
                String::new()
            };
            if !items.is_empty() {
                out.push(format!("{name} {}{more}", shown.join(", ")));
            }
        }
        other => out.push(format!("{name} {}", plain(other))),
    }
}

/// A value as text: strings without quotes, objects and arrays compact.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{} {}", k.replace('_', " "), plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
