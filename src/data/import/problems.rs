//! Every problem of an import file reported in one pass. A cell that cannot be read does not
//! stop the read: the problem is noted (kind by column and remedy, a count, the first
//! examples with line and column) and the read goes on, so one run lists everything to fix;
//! then nothing is written.

use crate::error::{Error, InputError};

/// Examples kept per kind of problem.
const EXAMPLES: usize = 3;

/// One kind of problem: the cells of one column with the same remedy.
struct Kind {
    column: Option<String>,
    hint: Option<String>,
    count: usize,
    examples: Vec<(Option<u64>, String)>,
}

/// The problems met so far.
#[derive(Default)]
pub(crate) struct Problems {
    kinds: Vec<Kind>,
    /// The first problem as it was raised: a file with a single bad cell gets exactly the
    /// error it always got (file, line, column, what to do).
    first: Option<InputError>,
}

impl Problems {
    /// Notes `e` if it is a problem of the file's content (an [`Error::Input`]); hands any
    /// other error (the workspace, a cancel) back to stop the import.
    pub fn note(&mut self, e: Error) -> Result<(), Error> {
        self.note_counted(e, 1)
    }

    /// As [`Problems::note`], for `e` standing for `count` cells (e.g. the first text cell of a
    /// column that has `count`).
    pub fn note_counted(&mut self, e: Error, count: usize) -> Result<(), Error> {
        let Error::Input(input) = e else {
            return Err(e);
        };
        if self.first.is_none() {
            self.first = Some((*input).clone());
        }
        let InputError {
            line,
            column,
            message,
            hint,
            ..
        } = *input;
        let kind = match self
            .kinds
            .iter_mut()
            .find(|k| k.column == column && k.hint == hint)
        {
            Some(k) => k,
            None => {
                self.kinds.push(Kind {
                    column,
                    hint,
                    count: 0,
                    examples: Vec::new(),
                });
                self.kinds.last_mut().expect("just pushed")
            }
        };
        kind.count += count.max(1);
        if kind.examples.len() < EXAMPLES {
            kind.examples.push((line, message));
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// One error listing every kind of problem (and `also`, a problem found after the read,
    /// such as unmatched area codes); `None` when there were none.
    pub fn into_error(self, file: &str, also: Option<Error>) -> Option<Error> {
        if self.kinds.is_empty() {
            return also;
        }
        let cells: usize = self.kinds.iter().map(|k| k.count).sum();
        if let (1, None, Some(first)) = (cells, &also, self.first) {
            return Some(first.into());
        }
        let mut text = format!(
            "{cells} cell{} cannot be read, so nothing was imported; fix them all and import again:",
            if cells == 1 { "" } else { "s" }
        );
        for k in &self.kinds {
            let column = k
                .column
                .as_deref()
                .map(|c| format!("column '{c}'"))
                .unwrap_or_else(|| "the file".into());
            text.push_str(&format!(
                "\n  {column}: {} cell{}",
                k.count,
                plural(k.count)
            ));
            for (line, message) in &k.examples {
                match line {
                    Some(l) => text.push_str(&format!("\n    line {l}: {message}")),
                    None => text.push_str(&format!("\n    {message}")),
                }
            }
            if k.count > k.examples.len() {
                text.push_str(&format!("\n    … and {} more", k.count - k.examples.len()));
            }
            if let Some(h) = &k.hint {
                text.push_str(&format!("\n    to fix: {h}"));
            }
        }
        if let Some(e) = also {
            text.push_str(&format!("\n  also: {e}"));
        }
        Some(InputError::new(file, text).into())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(line: u64, column: &str, message: &str, hint: &str) -> Error {
        InputError::new("f.csv", message)
            .line(line)
            .column(column)
            .hint(hint)
            .into()
    }

    #[test]
    fn problems_are_grouped_by_column_and_remedy_with_counts_and_examples() {
        let mut p = Problems::default();
        for line in 2..8 {
            p.note(cell(
                line,
                "rent",
                &format!("'x{line}' is not a number"),
                "use a number",
            ))
            .unwrap();
        }
        p.note(cell(9, "code", "empty area code", "fill it in"))
            .unwrap();
        assert!(
            p.note(Error::Cancelled).is_err(),
            "other errors stop the read"
        );
        let e = p.into_error("f.csv", None).unwrap().to_string();
        assert!(e.contains("7 cells cannot be read"), "{e}");
        assert!(e.contains("column 'rent': 6 cells"), "{e}");
        assert!(e.contains("line 2: 'x2' is not a number"), "{e}");
        assert!(!e.contains("'x5'"), "three examples per kind: {e}");
        assert!(e.contains("… and 3 more"), "{e}");
        assert!(
            e.contains("column 'code': 1 cell\n    line 9: empty area code"),
            "{e}"
        );
    }

    #[test]
    fn no_problems_means_the_later_error_or_none() {
        assert!(Problems::default().into_error("f.csv", None).is_none());
        let later = Error::Invalid("3 codes unmatched".into());
        let e = Problems::default()
            .into_error("f.csv", Some(later))
            .unwrap();
        assert_eq!(e.to_string(), "3 codes unmatched");
    }
}
