//! Published index recipes as data: IMD 2019 (domain weights and transforms), Townsend and
//! Carstairs (four census variables, z-scores, equal weights). A preset names *roles*; the
//! caller maps each role to an indicator of the workspace.

use super::{Direction, Input, Transform};

/// One domain of a preset: role name, weight, how its input is read and transformed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PresetDomain {
    pub role: &'static str,
    pub weight: f64,
    pub input: Input,
    pub direction: Direction,
    pub transform: Transform,
}

/// A named preset.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub domains: Vec<PresetDomain>,
}

const fn rank_exp(role: &'static str, weight: f64) -> PresetDomain {
    PresetDomain {
        role,
        weight,
        input: Input::Rank,
        direction: Direction::HigherIsWorse,
        transform: Transform::Exponential,
    }
}

const fn score(role: &'static str, transform: Transform) -> PresetDomain {
    PresetDomain {
        role,
        weight: 1.0,
        input: Input::Score,
        direction: Direction::HigherIsWorse,
        transform,
    }
}

/// IMD 2019: the seven domain ranks (1 = most deprived), exponentially transformed and
/// weighted 22.5/22.5/13.5/13.5/9.3/9.3/9.3% (IoD2019 Technical Report).
///
/// ```
/// use local_atlas::analysis::composite::presets::imd2019;
/// let w: f64 = imd2019().domains.iter().map(|d| d.weight).sum();
/// assert!((w - 0.999).abs() < 1e-12); // as published
/// ```
pub fn imd2019() -> Preset {
    Preset {
        name: "imd2019",
        description: "English IMD 2019: exponentially transformed domain ranks, weights 22.5/22.5/13.5/13.5/9.3/9.3/9.3%",
        domains: vec![
            rank_exp("income", 0.225),
            rank_exp("employment", 0.225),
            rank_exp("education", 0.135),
            rank_exp("health", 0.135),
            rank_exp("crime", 0.093),
            rank_exp("barriers", 0.093),
            rank_exp("living_env", 0.093),
        ],
    }
}

/// Townsend (1988): % unemployed, % overcrowded households (ln(x + 1) on both), % households
/// without a car, % not owner-occupied; z-scores summed with equal weights.
pub fn townsend() -> Preset {
    Preset {
        name: "townsend",
        description: "Townsend: z-scores of ln(unemployment+1), ln(overcrowding+1), no car, not owner-occupied; summed",
        domains: vec![
            score("unemployment", Transform::LogZscore),
            score("overcrowding", Transform::LogZscore),
            score("no_car", Transform::Zscore),
            score("not_owner_occupied", Transform::Zscore),
        ],
    }
}

/// Carstairs (1989): male unemployment, overcrowding, no car, low social class (percentages of
/// persons); z-scores summed, no log transform. The published Scottish scores use a
/// population-weighted mean and variance: give the spec `zscore_weights = "POPULATION"` for
/// that (without it the z-scores are unweighted over the areas given).
pub fn carstairs() -> Preset {
    Preset {
        name: "carstairs",
        description: "Carstairs: z-scores of male unemployment, overcrowding, no car, low social class; summed",
        domains: vec![
            score("male_unemployment", Transform::Zscore),
            score("overcrowding", Transform::Zscore),
            score("no_car", Transform::Zscore),
            score("low_social_class", Transform::Zscore),
        ],
    }
}

/// The preset of this name (`imd2019`, `townsend`, `carstairs`).
pub fn preset(name: &str) -> Option<Preset> {
    match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "imd2019" | "imd_2019" | "imd" => Some(imd2019()),
        "townsend" => Some(townsend()),
        "carstairs" => Some(carstairs()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    /// Townsend by hand: 3 areas.
    /// unemployment 0, e−1, e²−1 → ln(x+1) = 0, 1, 2 → z = −1, 0, 1;
    /// overcrowding 0, 0, e³−1 → 0, 0, 3 → mean 1, sd √3 → −1/√3, −1/√3, 2/√3;
    /// no car 10, 20, 30 → −1, 0, 1; not owner-occupied 50, 40, 30 → 1, 0, −1.
    /// Sums: −1 − 0.57735 − 1 + 1 = −1.57735; 0 − 0.57735 + 0 + 0 = −0.57735; 1 + 1.1547 + 1 − 1 = 2.1547.
    #[test]
    fn townsend_hand_computed() {
        let e = std::f64::consts::E;
        let data: [[f64; 3]; 4] = [
            [0.0, e - 1.0, e * e - 1.0],
            [0.0, 0.0, e.powi(3) - 1.0],
            [10.0, 20.0, 30.0],
            [50.0, 40.0, 30.0],
        ];
        let domains: Vec<Domain> = townsend()
            .domains
            .iter()
            .zip(data)
            .map(|(p, v)| Domain {
                name: p.role.into(),
                weight: p.weight,
                source: DomainSource::Single(Column {
                    values: v.iter().map(|x| Some(*x)).collect(),
                    input: p.input,
                    of: None,
                    direction: p.direction,
                    transform: p.transform,
                    zscore_weights: None,
                }),
            })
            .collect();
        let idx = composite_index(&domains, MissingPolicy::Exclude).unwrap();
        let s3 = 3f64.sqrt();
        let want = [-1.0 - 1.0 / s3, -1.0 / s3, 1.0 + 2.0 / s3];
        for (got, want) in idx.score.iter().zip(want) {
            assert!((got.unwrap() - want).abs() < 1e-12, "{got:?} vs {want}");
        }
        assert_eq!(idx.rank, vec![Some(3), Some(2), Some(1)]);
    }

    #[test]
    fn presets_by_name() {
        assert_eq!(preset("IMD-2019").unwrap().domains.len(), 7);
        assert!(preset("carstairs").is_some());
        assert!(preset("nope").is_none());
    }
}
