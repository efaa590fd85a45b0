//! Secondary (complementary) suppression: withholding more cells so that no withheld count can
//! be recovered by subtracting the published cells from a total (a district's total minus its
//! published wards).
//!
//! **Model.** A table is a set of cells (one per area of every geography that has the
//! indicator) and a set of equations `total = Σ members` (a district and its wards, a ward and
//! its LSOAs, the whole geography and its areas). A total is either a cell (the district has a
//! value of its own) or *known* (not stored, but publishable: the workspace can aggregate it at
//! any time, and sources publish district and national totals).
//!
//! **When an equation gives a count away.** Let U be its withheld cells (members, and the
//! total when it is a withheld cell). It is safe when U is empty, or when U has two or more
//! cells and — if the total is published or known, so that the sum of U is recoverable — that
//! sum is not itself a count the rule withholds (two withheld cells summing to 2 are both 1).
//! A withheld total with withheld members reveals only the sum of published members.
//! Missing members are no protection (their value may be known elsewhere), so they are left
//! out; a withheld cell with no known count (withheld by its source) makes the sum unknown.
//!
//! **Algorithm.** Repeat until a full pass over the equations changes nothing: for each
//! equation that gives a count away, withhold the published member with the smallest
//! non-zero count (ties: the smallest key, the area code), and again until it is safe; when
//! no such member is left, the total cell if it is published, then a zero member. Each step
//! withholds one more cell, so it ends after at most as many steps as there are cells;
//! cells withheld here are marked [`Reason::Secondary`]. The result depends only on the
//! table, not on the order outputs ask for it, so every output withholds the same cells.
//! Cost: O(passes × Σ equation sizes), each pass at least one more cell withheld.

use super::disclosure::Reason;

/// What is published of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    Published,
    Withheld(Reason),
    /// No value (left out of the equations).
    Missing,
}

/// One cell: its key (the area code: the tie-break), its true count (unrounded; `None` when
/// unknown) and state.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub key: String,
    pub count: Option<f64>,
    pub state: CellState,
}

impl Cell {
    fn withheld(&self) -> bool {
        matches!(self.state, CellState::Withheld(_))
    }
}

/// The total of an equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Not a cell of the table, but publishable.
    Known,
    /// Cell `i` of the table.
    Cell(usize),
}

/// `total = Σ members` (members are indices into the cells).
#[derive(Debug, Clone, PartialEq)]
pub struct Equation {
    pub total: Total,
    pub members: Vec<usize>,
}

/// Withholds cells until no equation gives a count away (see the module docs); returns how
/// many were withheld. `largest_withheld` is the rule's limit (5 or 7).
///
/// ```
/// use local_atlas::analysis::indicator_stats::disclosure::Reason;
/// use local_atlas::analysis::indicator_stats::secondary::*;
/// // A district (total 35, published) and its wards 3 (withheld by the rule), 12 and 20.
/// let cell = |key: &str, count: f64, state| Cell { key: key.into(), count: Some(count), state };
/// let mut cells = vec![
///     cell("D", 35.0, CellState::Published),
///     cell("W1", 3.0, CellState::Withheld(Reason::Primary)),
///     cell("W2", 12.0, CellState::Published),
///     cell("W3", 20.0, CellState::Published),
/// ];
/// let eq = Equation { total: Total::Cell(0), members: vec![1, 2, 3] };
/// assert_eq!(secondary_suppression(&mut cells, &[eq], 5.0), 1);
/// assert_eq!(cells[2].state, CellState::Withheld(Reason::Secondary));
/// assert_eq!(cells[3].state, CellState::Published);
/// ```
pub fn secondary_suppression(
    cells: &mut [Cell],
    equations: &[Equation],
    largest_withheld: f64,
) -> usize {
    let mut added = 0;
    loop {
        let before = added;
        for eq in equations {
            while gives_away(cells, eq, largest_withheld) {
                let Some(next) = next_to_withhold(cells, eq) else {
                    break;
                };
                cells[next].state = CellState::Withheld(Reason::Secondary);
                added += 1;
            }
        }
        if added == before {
            return added;
        }
    }
}

/// Whether the equation lets a withheld count be recovered.
fn gives_away(cells: &[Cell], eq: &Equation, largest_withheld: f64) -> bool {
    let withheld: Vec<&Cell> = eq
        .members
        .iter()
        .map(|&m| &cells[m])
        .filter(|c| c.withheld())
        .collect();
    let total_withheld = matches!(eq.total, Total::Cell(t) if cells[t].withheld());
    match withheld.len() + usize::from(total_withheld) {
        0 => false,
        1 => true,
        _ if total_withheld => false,
        _ => {
            // The sum of the withheld members is recoverable: it must not be a small count.
            let sum: Option<f64> = withheld.iter().map(|c| c.count).sum();
            sum.is_some_and(|s| s > 0.0 && s <= largest_withheld)
        }
    }
}

/// The next cell to withhold in a giving-away equation: the published member with the
/// smallest non-zero count (then key), else the published total cell, else a published zero.
fn next_to_withhold(cells: &[Cell], eq: &Equation) -> Option<usize> {
    let by_count_then_key = |a: &usize, b: &usize| {
        let (x, y) = (&cells[*a], &cells[*b]);
        x.count
            .unwrap_or(f64::INFINITY)
            .total_cmp(&y.count.unwrap_or(f64::INFINITY))
            .then_with(|| x.key.cmp(&y.key))
    };
    let published = || {
        eq.members
            .iter()
            .copied()
            .filter(|&i| cells[i].state == CellState::Published)
    };
    let non_zero = published()
        .filter(|&i| cells[i].count != Some(0.0))
        .min_by(by_count_then_key);
    let total = match eq.total {
        Total::Cell(t) if cells[t].state == CellState::Published => Some(t),
        _ => None,
    };
    non_zero
        .or(total)
        .or_else(|| published().min_by(by_count_then_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(counts: &[(&str, f64, bool)]) -> Vec<Cell> {
        counts
            .iter()
            .map(|&(k, c, w)| Cell {
                key: k.into(),
                count: Some(c),
                state: if w {
                    CellState::Withheld(Reason::Primary)
                } else {
                    CellState::Published
                },
            })
            .collect()
    }

    fn states(c: &[Cell]) -> Vec<bool> {
        c.iter().map(Cell::withheld).collect()
    }

    #[test]
    fn one_withheld_ward_takes_the_next_smallest_non_zero_with_it() {
        // Known district total; wards 0, 2 (withheld), 9, 9, 30: the 0 is skipped and the tie
        // between the 9s goes to the smaller code.
        let mut c = cells(&[
            ("A", 0.0, false),
            ("B", 2.0, true),
            ("D", 9.0, false),
            ("C", 9.0, false),
            ("E", 30.0, false),
        ]);
        let eq = Equation {
            total: Total::Known,
            members: (0..5).collect(),
        };
        assert_eq!(secondary_suppression(&mut c, &[eq], 5.0), 1);
        assert_eq!(states(&c), [false, true, false, true, false]);
        assert_eq!(c[3].state, CellState::Withheld(Reason::Secondary));
    }

    #[test]
    fn two_withheld_whose_sum_is_small_need_a_third() {
        let mut c = cells(&[
            ("A", 1.0, true),
            ("B", 1.0, true),
            ("C", 40.0, false),
            ("D", 50.0, false),
        ]);
        let eq = Equation {
            total: Total::Known,
            members: (0..4).collect(),
        };
        assert_eq!(secondary_suppression(&mut c, &[eq], 5.0), 1);
        assert_eq!(states(&c), [true, true, true, false]);
    }

    #[test]
    fn nothing_withheld_nothing_added_and_a_withheld_total_with_two_is_safe() {
        let mut c = cells(&[("T", 4.0, true), ("A", 4.0, true), ("B", 0.0, false)]);
        let eq = Equation {
            total: Total::Cell(0),
            members: vec![1, 2],
        };
        assert_eq!(secondary_suppression(&mut c, &[eq], 5.0), 0);
        let mut c = cells(&[("A", 10.0, false), ("B", 20.0, false)]);
        let eq = Equation {
            total: Total::Known,
            members: vec![0, 1],
        };
        assert_eq!(secondary_suppression(&mut c, &[eq], 5.0), 0);
    }

    #[test]
    fn a_withheld_total_is_protected_from_its_published_members() {
        // A district total withheld by a higher level; all its wards published: the smallest
        // non-zero ward goes with it (then neither is recoverable: T = A + 20).
        let mut c = cells(&[("T", 30.0, true), ("A", 10.0, false), ("B", 20.0, false)]);
        let eq = Equation {
            total: Total::Cell(0),
            members: vec![1, 2],
        };
        assert_eq!(secondary_suppression(&mut c, &[eq], 5.0), 1);
        assert_eq!(states(&c), [true, true, false]);
    }

    #[test]
    fn withholding_spreads_across_levels_until_stable() {
        // LSOAs a1 (3, withheld), a2 (20) in ward W1; W1 (23) and W2 (40) in district D (63).
        // The ward table alone is safe only once W1's LSOAs are; the district equation then
        // needs a second ward once W1 is withheld by another equation.
        let mut c = cells(&[
            ("a1", 3.0, true),
            ("a2", 20.0, false),
            ("W1", 23.0, true),
            ("W2", 40.0, false),
            ("D", 63.0, false),
        ]);
        let eqs = [
            Equation {
                total: Total::Cell(2),
                members: vec![0, 1],
            },
            Equation {
                total: Total::Cell(4),
                members: vec![2, 3],
            },
        ];
        secondary_suppression(&mut c, &eqs, 5.0);
        // W1 withheld with a1 only: a1 + W1 two unknowns (safe); D − W2 = W1 needs W2 gone.
        assert_eq!(states(&c), [true, false, true, true, false]);
        for eq in &eqs {
            assert!(!gives_away(&c, eq, 5.0));
        }
    }

    #[test]
    fn a_lone_member_with_nothing_to_pair_stops() {
        let mut c = cells(&[("A", 2.0, true)]);
        let eq = Equation {
            total: Total::Known,
            members: vec![0],
        };
        assert_eq!(secondary_suppression(&mut c, &[eq], 5.0), 0);
    }
}
