//! Loading what the analysis operations need: an indicator's values aligned with a
//! geography's areas, and spatial weights over those areas.

use crate::analysis::weights::SpatialWeights;
use crate::analysis::weights::contiguity::{Contiguity, contiguity};
use crate::analysis::weights::distance::{centroids, distance_band, knn};
use crate::data::Workspace;
use crate::data::query::{self, Area};
use crate::error::Result;
use std::collections::HashMap;

/// Which spatial weights to build: `queen`, `rook`, `knn:K` or `band:METRES`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum WeightsKind {
    Queen,
    Rook,
    Knn(usize),
    Band(f64),
}

impl std::str::FromStr for WeightsKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "unknown weights '{s}': use queen, rook, knn:K (e.g. knn:6) or band:METRES (e.g. band:1600)"
            )
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "queen" => Ok(Self::Queen),
            "rook" => Ok(Self::Rook),
            other => match other.split_once(':') {
                Some(("knn", k)) => k.parse().map(Self::Knn).map_err(|_| bad()),
                Some(("band", m)) => m.parse().map(Self::Band).map_err(|_| bad()),
                _ => Err(bad()),
            },
        }
    }
}

impl std::fmt::Display for WeightsKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Queen => write!(f, "queen"),
            Self::Rook => write!(f, "rook"),
            Self::Knn(k) => write!(f, "knn:{k}"),
            Self::Band(m) => write!(f, "band:{m}"),
        }
    }
}

/// Builds binary weights of `kind` over `areas` (in their order).
pub fn weights_for(areas: &[Area], kind: WeightsKind) -> Result<SpatialWeights> {
    let ids: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let polygons: Vec<_> = areas.iter().map(|a| a.geometry_bng.clone()).collect();
    let w = match kind {
        WeightsKind::Queen => contiguity(ids, &polygons, Contiguity::Queen),
        WeightsKind::Rook => contiguity(ids, &polygons, Contiguity::Rook),
        WeightsKind::Knn(k) => knn(ids, &centroids(&polygons), k)?,
        WeightsKind::Band(m) => distance_band(ids, &centroids(&polygons), m)?,
    };
    Ok(w)
}

/// An indicator's values for every area of a geography, in area-code order, as stored: the
/// input of the spatial statistics (analyses, whose outputs are statistics and classes, not
/// the counts).
pub struct IndicatorData {
    pub period: String,
    pub areas: Vec<Area>,
    /// `None` where the area has no value (missing, suppressed or absent).
    pub values: Vec<Option<f64>>,
}

/// An indicator's values for every area code of a geography (no geometry read), as published
/// under its disclosure rule ([`crate::ops::disclosure`]): what `classify` classifies, so its
/// breaks and classes agree with the map's and never print a withheld count.
pub struct IndicatorValues {
    pub period: String,
    pub codes: Vec<String>,
    pub values: Vec<Option<f64>>,
}

impl IndicatorValues {
    pub fn load(
        ws: &Workspace,
        geography: &str,
        indicator: &str,
        period: Option<&str>,
    ) -> Result<Self> {
        let meta = query::indicator_meta(ws, indicator)?;
        let period = query::resolve_period(ws, indicator, geography, period)?;
        let codes = query::area_codes(ws, geography)?;
        let stored = query::values(ws, indicator, geography, &period)?;
        let by_code: HashMap<String, Option<f64>> =
            crate::ops::disclosure::protect(ws, &meta, geography, &period, stored)?
                .values
                .into_iter()
                .map(|v| (v.area_code, v.value))
                .collect();
        let values = codes
            .iter()
            .map(|c| by_code.get(c).copied().flatten())
            .collect();
        Ok(Self {
            period,
            codes,
            values,
        })
    }
}

/// The period asked for (or the latest) of an indicator the workspace has.
fn known_period(
    ws: &Workspace,
    geography: &str,
    indicator: &str,
    period: Option<&str>,
) -> Result<String> {
    query::indicator_meta(ws, indicator)?;
    query::resolve_period(ws, indicator, geography, period)
}

/// The values of a series in the order of `codes` (`None`: missing, suppressed or absent).
fn in_area_order(
    ws: &Workspace,
    geography: &str,
    indicator: &str,
    period: &str,
    codes: &[String],
) -> Result<Vec<Option<f64>>> {
    let by_code: HashMap<String, Option<f64>> = query::values(ws, indicator, geography, period)?
        .into_iter()
        .map(|v| (v.area_code, v.value))
        .collect();
    Ok(codes
        .iter()
        .map(|c| by_code.get(c).copied().flatten())
        .collect())
}

impl IndicatorData {
    pub fn load(
        ws: &Workspace,
        geography: &str,
        indicator: &str,
        period: Option<&str>,
    ) -> Result<Self> {
        let period = known_period(ws, geography, indicator, period)?;
        let areas = query::areas(ws, geography)?;
        let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
        let values = in_area_order(ws, geography, indicator, &period, &codes)?;
        Ok(Self {
            period,
            areas,
            values,
        })
    }

    /// Indices of areas with a value.
    pub fn complete(&self) -> Vec<usize> {
        (0..self.values.len())
            .filter(|&i| self.values.get(i).copied().flatten().is_some())
            .collect()
    }

    pub fn codes(&self) -> Vec<String> {
        self.areas.iter().map(|a| a.code.clone()).collect()
    }
}
