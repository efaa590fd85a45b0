//! Decoded areas kept between `explore` calls. Reading and decoding every polygon of a
//! geography is the slow part of drawing a map; a palette or classification change does not
//! alter the geometry, so the desktop map keeps one [`AreaCache`] and re-reads only when the
//! workspace has changed (an import, a saved result) or another workspace is open.

use crate::data::Workspace;
use crate::data::query::{self, Area};
use crate::error::Result;
use crate::ops::stats::StatsResponse;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What identifies the workspace's content at one moment: its path and three counters that
/// move on every committed write. `PRAGMA data_version` moves when another connection commits
/// (an import job), the connection's change count when this one writes, and the import log's
/// last id when the file was re-opened and imported into since.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker {
    path: PathBuf,
    data_version: i64,
    changes: u64,
    last_import: i64,
}

fn marker(ws: &Workspace) -> Result<Marker> {
    let conn = ws.conn();
    let data_version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let last_import: i64 = conn.query_row(
        "SELECT coalesce(max(rowid), 0) FROM atlas_import_log",
        [],
        |r| r.get(0),
    )?;
    Ok(Marker {
        path: ws.path().to_path_buf(),
        data_version,
        changes: conn.total_changes(),
        last_import,
    })
}

/// A geography as read once: its areas, its attribution line and its display name.
#[derive(Debug, Clone)]
pub(crate) struct CachedGeography {
    pub areas: Arc<Vec<Area>>,
    pub attribution: String,
    pub title: String,
}

/// Areas decoded per geography, and hotspot results per layer, valid while the workspace is
/// unchanged. Empty by default; pass the same cache to every
/// [`explore_cached`](super::explore::explore_cached) call of one window.
#[derive(Debug, Default)]
pub struct AreaCache {
    marker: Option<Marker>,
    geographies: HashMap<String, CachedGeography>,
    hotspots: HashMap<String, Arc<StatsResponse>>,
    decodes: usize,
}

impl AreaCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many times a geography's areas were read and decoded (not served from the cache).
    pub fn decodes(&self) -> usize {
        self.decodes
    }

    /// Forgets everything kept.
    pub fn clear(&mut self) {
        self.geographies.clear();
        self.hotspots.clear();
        self.marker = None;
    }

    /// Drops what is kept when `ws` is another workspace or has changed since.
    pub(crate) fn validate(&mut self, ws: &Workspace) -> Result<()> {
        let now = marker(ws)?;
        if self.marker.as_ref() != Some(&now) {
            self.geographies.clear();
            self.hotspots.clear();
            self.marker = Some(now);
        }
        Ok(())
    }

    /// The areas of `geography`, decoded once.
    pub(crate) fn geography(&mut self, ws: &Workspace, geography: &str) -> Result<CachedGeography> {
        if let Some(g) = self.geographies.get(geography) {
            return Ok(g.clone());
        }
        let areas = Arc::new(query::areas(ws, geography)?);
        self.decodes += 1;
        let g = CachedGeography {
            areas,
            attribution: query::geography_attribution(ws, geography)?,
            title: crate::data::geography_title::title(ws, geography)?,
        };
        self.geographies.insert(geography.to_string(), g.clone());
        Ok(g)
    }

    /// A hotspot result computed for the layer `key` (its recipe JSON), if kept.
    pub(crate) fn hotspot(&self, key: &str) -> Option<Arc<StatsResponse>> {
        self.hotspots.get(key).cloned()
    }

    pub(crate) fn keep_hotspot(&mut self, key: String, result: Arc<StatsResponse>) {
        self.hotspots.insert(key, result);
    }
}
