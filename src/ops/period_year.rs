//! The start year of a period label, which is what the trend marker orders and counts periods
//! by (consecutive periods start in consecutive years).
//!
//! Period labels are text as imported. The forms read here are the ones Fingertips and
//! councils use for annual or pooled periods:
//!
//! | label | start year | what it is |
//! |---|---|---|
//! | `2018` | 2018 | a calendar year (or Fingertips' `Year` of a financial year) |
//! | `2018/19`, `2018-19` | 2018 | a financial or academic year |
//! | `2018/2019`, `2018-2019` | 2018 | the same with a four-digit end |
//! | `2016 - 18` | 2016 | Fingertips' pooled three-year period |
//!
//! The end, when given, must come after the start and at most 9 years later (so `2018-03`,
//! a month, is not read as a period ending in 2003). Anything else cannot be read, and the
//! caller says so naming the label rather than guessing.

/// The start year of `label`, or `None` when it is not one of the forms above.
///
/// ```
/// use local_atlas::ops::period_year::start_year;
/// assert_eq!(start_year("2018"), Some(2018));
/// assert_eq!(start_year("2018/19"), Some(2018));
/// assert_eq!(start_year("2018-19"), Some(2018));
/// assert_eq!(start_year("2018/2019"), Some(2018));
/// assert_eq!(start_year("2016 - 18"), Some(2016));
/// assert_eq!(start_year(" 2099/00 "), Some(2099)); // ends in the next century
/// assert_eq!(start_year("2018-03"), None); // a month, not a period
/// assert_eq!(start_year("Q1 2018"), None);
/// ```
pub fn start_year(label: &str) -> Option<i32> {
    let label = label.trim();
    if let Some(y) = four_digits(label) {
        return Some(y);
    }
    let (start, end) = label.split_once(['/', '-'])?;
    let start = four_digits(start.trim())?;
    let end = end.trim();
    let end_year = match end.len() {
        4 => four_digits(end)?,
        2 if end.bytes().all(|b| b.is_ascii_digit()) => {
            let yy: i32 = end.parse().ok()?;
            // The first year after the start whose last two digits are yy.
            let century = start - start.rem_euclid(100);
            let candidate = century + yy;
            if candidate > start {
                candidate
            } else {
                candidate + 100
            }
        }
        _ => return None,
    };
    (end_year > start && end_year - start <= 9).then_some(start)
}

fn four_digits(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_refusals() {
        for (label, year) in [
            ("2023", Some(2023)),
            ("2009-10", Some(2009)),
            ("2014 - 16", Some(2014)),
            ("2014-2016", Some(2014)),
            ("2014/2014", None),
            ("2018-17", None), // would end in 2117: more than 9 years
            ("201", None),
            ("", None),
            ("2018/", None),
            ("abcd", None),
            ("2018 Q1", None),
        ] {
            assert_eq!(start_year(label), year, "{label}");
        }
    }
}
