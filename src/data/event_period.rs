//! The period of an event from the text of a date field (police.uk's `Month` is `2016-02`):
//! the date read in one of the accepted forms and grouped to its year or month.

use serde::{Deserialize, Serialize};

/// The date forms accepted, for messages.
pub const ACCEPTED_DATES: &str = "YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY";

/// How events are grouped into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodFormat {
    /// One period per year: `2016`.
    #[serde(rename = "YYYY")]
    Year,
    /// One period per month: `2016-02`.
    #[serde(rename = "YYYY-MM")]
    Month,
}

impl PeriodFormat {
    /// `YYYY` or `YYYY-MM` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "YYYY" => Some(Self::Year),
            "YYYY-MM" => Some(Self::Month),
            _ => None,
        }
    }
}

/// A date as read: year, and month when given (a day is checked, then dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDate {
    pub year: i32,
    pub month: Option<u32>,
}

/// Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `DD/MM/YYYY` (surrounding spaces ignored; a time
/// after a `YYYY-MM-DD` date, as in `2016-02-01T10:00`, is ignored).
///
/// ```
/// use local_atlas::data::event_period::{EventDate, parse_date};
/// assert_eq!(parse_date("2016-02"), Some(EventDate { year: 2016, month: Some(2) }));
/// assert_eq!(parse_date("29/02/2016"), Some(EventDate { year: 2016, month: Some(2) }));
/// assert_eq!(parse_date("2019"), Some(EventDate { year: 2019, month: None }));
/// assert_eq!(parse_date("2017-02-29"), None);
/// assert_eq!(parse_date("Feb 2016"), None);
/// ```
pub fn parse_date(text: &str) -> Option<EventDate> {
    let t = text.trim();
    let t = match t.find(['T', ' ']) {
        Some(10) => &t[..10],
        _ => t,
    };
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = if t.contains('/') {
        let parts: Vec<&str> = t.split('/').collect();
        let [d, m, y] = parts.as_slice() else {
            return None;
        };
        let d = num(d, 2).or_else(|| num(d, 1))?;
        let m = num(m, 2).or_else(|| num(m, 1))?;
        (num(y, 4)?, Some(m), Some(d))
    } else {
        let parts: Vec<&str> = t.split('-').collect();
        match parts.as_slice() {
            [y] => (num(y, 4)?, None, None),
            [y, m] => (num(y, 4)?, Some(num(m, 2)?), None),
            [y, m, d] => (num(y, 4)?, Some(num(m, 2)?), Some(num(d, 2)?)),
            _ => return None,
        }
    };
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return None;
        }
        if let Some(d) = day
            && (d < 1 || d > days_in_month(year, m))
        {
            return None;
        }
    }
    Some(EventDate {
        year: i32::try_from(year).ok()?,
        month,
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// The period of the date `text` in `format`, or why not (a date with no month cannot be
/// grouped by month).
///
/// ```
/// use local_atlas::data::event_period::{PeriodFormat, period_of};
/// assert_eq!(period_of("2016-02", PeriodFormat::Year).unwrap(), "2016");
/// assert_eq!(period_of("01/12/2018", PeriodFormat::Month).unwrap(), "2018-12");
/// assert!(period_of("2018", PeriodFormat::Month).unwrap_err().contains("no month"));
/// ```
pub fn period_of(text: &str, format: PeriodFormat) -> Result<String, String> {
    let date = parse_date(text).ok_or_else(|| format!("is not a date ({ACCEPTED_DATES})"))?;
    match (format, date.month) {
        (PeriodFormat::Year, _) => Ok(format!("{:04}", date.year)),
        (PeriodFormat::Month, Some(m)) => Ok(format!("{:04}-{m:02}", date.year)),
        (PeriodFormat::Month, None) => Err(format!(
            "has a year but no month, so it cannot be grouped by month (use --period-format YYYY, or dates as {ACCEPTED_DATES} with a month)"
        )),
    }
}
