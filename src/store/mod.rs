//! The team store: a dataset kept in PostgreSQL + PostGIS, shared by an office's planners.
//!
//! - [`schema`]: the tables (a column per scalar park field, the geometry in EPSG:4326 for
//!   QGIS; projects, targets, sources; a `version` per row and a change log, both by
//!   trigger), as versioned migrations.
//! - [`url`]: the address, TLS modes and the password (never shown or saved).
//! - [`Store`]: connect, `init`, `push` a dataset, load it, `apply` a change set — one
//!   transaction whose changes are checked against the rows as they are now (each change's
//!   `from`, under row locks taken only for the save), with the loader's rules.
//!
//! Every value is bound as a parameter; only the fixed column names of [`rows`] are written
//! into SQL text.

pub mod layers;
pub(crate) mod rows;
pub mod schema;
mod tls;
pub mod url;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use postgres::{Client, Transaction};
use serde_json::{Map, Value, json};

use crate::changes::{Applied, Change, ChangeSet, Refused, apply_owned};
use crate::io::dataset::{DatasetFiles, Loaded};
use crate::io::problem::Problem;
use crate::model::Atlas;
use rows::{PARKS, PROJECTS, SOURCES, TARGETS, Table};
pub use url::Address;

/// The NOTIFY channel a save announces the changed park ids on.
pub const CHANNEL: &str = "park_atlas";

/// The other files of a dataset kept in `dataset_files`, with the slot of each in
/// [`DatasetFiles`].
const OTHER_FILES: [&str; 4] = [
    crate::io::dataset::COUNTIES_FILE,
    crate::io::dataset::CLUSTERS_FILE,
    crate::io::dataset::CITYWIDE_FILE,
    crate::io::dataset::LAND_FILE,
];

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The address does not read.
    #[error(transparent)]
    Address(#[from] url::BadAddress),
    /// The server cannot be reached or refused the connection.
    #[error("cannot connect to {address}: {reason}")]
    Connect {
        /// The address, without a password.
        address: String,
        /// Why.
        reason: String,
    },
    /// The server wants a password and none was given.
    #[error(
        "{address} asks for a password: give it in PGPASSWORD, a password file (PGPASSFILE, ~/.pgpass) or when asked"
    )]
    NeedsPassword {
        /// The address, without a password.
        address: String,
    },
    /// No Park Atlas schema in the database.
    #[error("{address} has no Park Atlas tables: create them with `park-atlas db init {address}`")]
    NotInitialised {
        /// The address.
        address: String,
    },
    /// The schema is newer than this program.
    #[error(
        "{address} has schema version {found}, this Park Atlas knows up to {known}: update Park Atlas"
    )]
    TooNew {
        /// The address.
        address: String,
        /// The store's version.
        found: i32,
        /// This program's.
        known: i32,
    },
    /// `push` into a store that holds parks.
    #[error(
        "{address} holds {parks} park(s) already; push goes into an empty store (pull it, or use a new database)"
    )]
    NotEmpty {
        /// The address.
        address: String,
        /// How many.
        parks: i64,
    },
    /// The role may only read.
    #[error(
        "the role {role} may only read this store: editing needs a role in park_atlas_editor (ask the store's administrator)"
    )]
    ReadOnly {
        /// The database role.
        role: String,
    },
    /// The data in the store (or pushed to it) does not load.
    #[error("the data does not load ({} problem(s))", .0.len())]
    Dataset(Vec<Problem>),
    /// A change set was refused: conflicts or invalid values; nothing was written.
    #[error("refused: {} conflict(s), {} other problem(s)", .0.conflicts.len(), .0.problems.len())]
    Refused(Refused),
    /// The server refused a statement; the transaction was rolled back, nothing of it was
    /// written.
    #[error("the store failed: {0}")]
    Db(String),
    /// The connection broke (the server stopped, the network failed); the transaction was
    /// rolled back, nothing of it was written.
    #[error("the connection to the store was lost: {0}")]
    Lost(String),
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        // No answer from the server (a broken or closed connection, a timeout), or the server
        // ending the session (SQLSTATE classes 08 and 57): the connection is gone. Anything
        // else is the server refusing a statement.
        let gone = match e.as_db_error() {
            None => true,
            Some(db) => matches!(db.code().code().get(..2), Some("08" | "57")),
        };
        if gone {
            StoreError::Lost(describe(&e))
        } else {
            StoreError::Db(describe(&e))
        }
    }
}

/// A driver error in one line, with the server's message and detail when there is one.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_owned();
            if let Some(d) = db.detail() {
                s.push_str(" (");
                s.push_str(d);
                s.push(')');
            }
            s
        }
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                s.push_str(": ");
                s.push_str(&inner.to_string());
                src = inner.source();
            }
            s
        }
    }
}

impl StoreError {
    /// Whether the connection itself is gone (the server stopped, the network broke), as
    /// opposed to the server refusing a statement.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, StoreError::Connect { .. } | StoreError::Lost(_))
    }

    /// The reason in the user's language (Chinese, or English).
    pub fn text(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            StoreError::Address(e) => format!(
                "不是 PostgreSQL 地址（{}）：请写成 postgresql://用户@主机:端口/数据库",
                e.0
            ),
            StoreError::Connect { address, reason } => format!("无法连接 {address}：{reason}"),
            StoreError::NeedsPassword { address } => format!(
                "{address} 需要密码：请在 PGPASSWORD、密码文件（PGPASSFILE、~/.pgpass）中给出，或在提示时输入"
            ),
            StoreError::NotInitialised { address } => {
                format!("{address} 中没有 Park Atlas 的表：先运行 `park-atlas db init {address}`")
            }
            StoreError::TooNew {
                address,
                found,
                known,
            } => {
                format!("{address} 的结构版本为 {found}，本程序只认识到 {known}：请更新 Park Atlas")
            }
            StoreError::NotEmpty { address, parks } => format!(
                "{address} 已有 {parks} 个园区；push 只写入空库（先 pull，或换一个新数据库）"
            ),
            StoreError::ReadOnly { role } => format!(
                "角色 {role} 对此库只有读取权限：编辑需要 park_atlas_editor 中的角色（请联系数据库管理员）"
            ),
            StoreError::Dataset(p) => format!("数据无法加载（{} 个问题）", p.len()),
            StoreError::Refused(r) => format!(
                "已拒绝：{} 个冲突，{} 个其他问题",
                r.conflicts.len(),
                r.problems.len()
            ),
            StoreError::Db(m) => format!("数据库出错：{m}"),
            StoreError::Lost(m) => format!("与数据库的连接已断开：{m}"),
        }
    }
}

/// A connection to a team store.
pub struct Store {
    client: Client,
    address: Address,
    /// The database role (who the change log names).
    pub role: String,
    /// Whether the role may change the data.
    pub can_edit: bool,
}

/// What `push` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushReport {
    /// Parks, projects, targets, sources.
    pub rows: [usize; 4],
}

/// A park's rows as read for a save: the park's row, its projects' and targets' row ids and
/// rows (in order), its sources by key.
#[derive(Debug, Default)]
struct ParkRows {
    row: Map<String, Value>,
    geometry: Value,
    projects: Vec<(i64, f64, Map<String, Value>)>,
    targets: Vec<(i64, f64, Map<String, Value>)>,
    sources: HashMap<String, Map<String, Value>>,
}

impl Store {
    /// Connects and checks the schema: a store without one, or with a newer one than this
    /// program knows, is refused. Fails within the address's `connect_timeout` (5 s by
    /// default) when the server does not answer.
    pub fn connect(address: &str) -> Result<Store, StoreError> {
        Store::connect_with(address, None)
    }

    /// [`Store::connect`] with a password typed by the user (kept only in memory).
    pub fn connect_with(address: &str, password: Option<&str>) -> Result<Store, StoreError> {
        let mut store = Store::connect_only_with(address, password)?;
        match store.schema_version()? {
            None => Err(StoreError::NotInitialised {
                address: store.address.shown.clone(),
            }),
            Some(v) if v > schema::VERSION => Err(StoreError::TooNew {
                address: store.address.shown.clone(),
                found: v,
                known: schema::VERSION,
            }),
            Some(v) if v < schema::VERSION => Err(StoreError::Db(format!(
                "the store has schema version {v}; bring it up to {} with `park-atlas db init {}`",
                schema::VERSION,
                store.address.shown
            ))),
            Some(_) => {
                store.can_edit = store
                    .client
                    .query_one("SELECT has_table_privilege('parks', 'UPDATE')", &[])?
                    .get(0);
                Ok(store)
            }
        }
    }

    /// Connects without looking at the schema (for `db init`).
    pub fn connect_only(address: &str) -> Result<Store, StoreError> {
        Store::connect_only_with(address, None)
    }

    /// [`Store::connect_only`] with a password typed by the user.
    pub fn connect_only_with(address: &str, password: Option<&str>) -> Result<Store, StoreError> {
        let mut address = Address::parse(address)?;
        if let Some(p) = password {
            address.config.password(p);
        }
        let connector = tls::connector(&address)?;
        // The driver's timeout covers the TCP connection, not a server that accepts it and
        // never answers: the whole start-up is bounded here (the attempt is left behind).
        let limit = address
            .config
            .get_connect_timeout()
            .copied()
            .unwrap_or(url::CONNECT_TIMEOUT)
            + Duration::from_secs(3);
        let (send, answer) = std::sync::mpsc::channel();
        let config = address.config.clone();
        std::thread::spawn(move || {
            let _ = send.send(config.connect(connector));
        });
        let connected = answer
            .recv_timeout(limit)
            .map_err(|_| StoreError::Connect {
                address: address.shown.clone(),
                reason: format!("no answer within {} s", limit.as_secs()),
            })?;
        let client = connected.map_err(|e| {
            let reason = describe(&e);
            if reason.contains("password missing") {
                StoreError::NeedsPassword {
                    address: address.shown.clone(),
                }
            } else {
                StoreError::Connect {
                    address: address.shown.clone(),
                    reason,
                }
            }
        })?;
        let mut store = Store {
            client,
            role: String::new(),
            can_edit: false,
            address,
        };
        store.role = store
            .client
            .query_one("SELECT current_user::text", &[])?
            .get(0);
        Ok(store)
    }

    /// The address without its password.
    pub fn shown(&self) -> &str {
        &self.address.shown
    }

    /// The store's schema version; `None` when it has no Park Atlas schema.
    pub fn schema_version(&mut self) -> Result<Option<i32>, StoreError> {
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('park_atlas_schema') IS NOT NULL", &[])?
            .get(0);
        if !exists {
            return Ok(None);
        }
        Ok(self
            .client
            .query_one("SELECT max(version) FROM park_atlas_schema", &[])?
            .get(0))
    }

    /// Creates the schema, or brings it up to this program's version: the missing migrations
    /// in one transaction. Returns the versions before and after.
    pub fn init(&mut self) -> Result<(i32, i32), StoreError> {
        let mut tx = self.client.transaction()?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS park_atlas_schema (version integer NOT NULL, \
             at timestamptz NOT NULL DEFAULT now()); LOCK TABLE park_atlas_schema",
        )?;
        let before: i32 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM park_atlas_schema",
                &[],
            )?
            .get(0);
        if before > schema::VERSION {
            return Err(StoreError::TooNew {
                address: self.address.shown.clone(),
                found: before,
                known: schema::VERSION,
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(before as usize) {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO park_atlas_schema (version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )?;
        }
        tx.commit()?;
        Ok((before, schema::VERSION))
    }

    /// Writes a dataset into an empty store, in one transaction: its parks (checked by the
    /// loader first) and its other files.
    pub fn push(&mut self, files: &DatasetFiles) -> Result<PushReport, StoreError> {
        let loaded = crate::io::dataset::load_files(files).map_err(StoreError::Dataset)?;
        self.writable()?;
        let mut tx = self.client.transaction()?;
        tx.batch_execute("LOCK TABLE parks IN EXCLUSIVE MODE")?;
        let parks: i64 = tx.query_one("SELECT count(*) FROM parks", &[])?.get(0);
        if parks > 0 {
            return Err(StoreError::NotEmpty {
                address: self.address.shown.clone(),
                parks,
            });
        }
        let mut out = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for (i, park) in loaded.atlas.parks.iter().enumerate() {
            let feature =
                crate::io::export::park_feature(park).map_err(|e| StoreError::Db(e.to_string()))?;
            split_feature(&feature, i as f64, &mut out);
        }
        let [p, pr, t, s] = &out;
        insert_rows(&mut tx, &PARKS, p)?;
        insert_rows(&mut tx, &PROJECTS, pr)?;
        insert_rows(&mut tx, &TARGETS, t)?;
        insert_rows(&mut tx, &SOURCES, s)?;
        let others = [
            &files.counties,
            &files.clusters,
            &files.citywide,
            &files.land,
        ];
        for (name, body) in OTHER_FILES.iter().zip(others) {
            if let Some(body) = body {
                tx.execute(
                    "INSERT INTO dataset_files (name, body) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body",
                    &[name, body],
                )?;
            }
        }
        tx.commit()?;
        Ok(PushReport {
            rows: [p.len(), pr.len(), t.len(), s.len()],
        })
    }

    /// The dataset in the store as the files of a folder: the parks as one GeoJSON
    /// FeatureCollection (properties from the columns and `extra`), and the other files.
    pub fn files(&mut self) -> Result<DatasetFiles, StoreError> {
        let mut tx = self.client.build_transaction().read_only(true).start()?;
        let (parks, _) = read_parks(&mut tx, None, false, false)?;
        let mut others: [Option<Vec<u8>>; 4] = Default::default();
        for row in tx.query("SELECT name, body FROM dataset_files", &[])? {
            let name: String = row.get(0);
            if let Some(i) = OTHER_FILES.iter().position(|n| *n == name) {
                others[i] = Some(row.get(1));
            }
        }
        tx.commit()?;
        let mut bytes = Vec::with_capacity(parks.len() * 4096);
        bytes.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[\n");
        for (i, p) in parks.into_iter().enumerate() {
            if i > 0 {
                bytes.extend_from_slice(b",\n");
            }
            p.write(&mut bytes)
                .map_err(|e| StoreError::Db(e.to_string()))?;
        }
        bytes.extend_from_slice(b"\n]}\n");
        let parks = bytes;
        let shown = &self.address.shown;
        let [counties, clusters, citywide, land] = others;
        Ok(DatasetFiles {
            labels: [
                crate::io::dataset::PARKS_FILE,
                OTHER_FILES[0],
                OTHER_FILES[1],
                OTHER_FILES[2],
                OTHER_FILES[3],
            ]
            .map(|f| format!("{shown} {}", f.split('.').next().unwrap_or(f))),
            parks,
            counties,
            clusters,
            citywide,
            land,
        })
    }

    /// Loads the dataset in the store with the loader's checks, as a folder would load.
    pub fn load(&mut self) -> Result<Loaded, StoreError> {
        let files = self.files()?;
        crate::io::dataset::load_files(&files).map_err(StoreError::Dataset)
    }

    /// The parks with these ids as they are in the store now (read with the loader's rules);
    /// ids not in the store are left out.
    pub fn parks(
        &mut self,
        ids: &[String],
        taxonomy: &crate::model::Taxonomy,
    ) -> Result<Vec<crate::model::Park>, StoreError> {
        let mut tx = self.client.build_transaction().read_only(true).start()?;
        let (parks, _) = read_parks(&mut tx, Some(ids), false, false)?;
        tx.commit()?;
        let features = parks.into_iter().map(ParkOut::feature).collect();
        parse_parks(&self.address.shown, features, taxonomy)
    }

    fn writable(&self) -> Result<(), StoreError> {
        if self.can_edit {
            Ok(())
        } else {
            Err(StoreError::ReadOnly {
                role: self.role.clone(),
            })
        }
    }

    /// Applies a change set in one transaction: the parks it touches are locked and read as
    /// they are now, the changes are made on them with the loader's rules and checked against
    /// each `from` (a colleague's, QGIS's or psql's change meanwhile is a conflict), and only
    /// the rows and columns that changed are written, with one `edits` row per change. On any
    /// conflict or problem nothing is written. `base` is the caller's copy of the data (for
    /// the checks across parks: parents, counties, clusters); the result is it with the
    /// touched parks as they are after the save.
    pub fn apply(
        &mut self,
        base: Atlas,
        set: &ChangeSet,
        label: &str,
    ) -> Result<Applied, StoreError> {
        self.writable()?;
        let ids: Vec<String> = set
            .changes
            .iter()
            .map(|c| c.park().to_owned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut tx = self.client.transaction()?;
        let stamp = format!("{} {}", crate::changes::now_utc(), self.role);
        tx.execute(
            "SELECT set_config('park_atlas.change_set', $1, true)",
            &[&stamp],
        )?;
        tx.execute(
            "SELECT 1 FROM parks WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&ids],
        )?;
        let (parks, mut old_rows) = read_parks(&mut tx, Some(&ids), true, true)?;
        let features = parks.into_iter().map(ParkOut::feature).collect();
        let fresh = parse_parks(&self.address.shown, features, &base.taxonomy)?;
        let mut atlas = base;
        atlas.put_parks(&ids, &fresh);
        let applied = apply_owned(atlas, set, label).map_err(|e| StoreError::Refused(e.1))?;
        // Only a new park needs the next place in the order (a scan of the parks).
        let next_position: f64 = if set
            .changes
            .iter()
            .any(|c| matches!(c, Change::AddPark { .. }))
        {
            tx.query_one("SELECT coalesce(max(position), 0) + 1 FROM parks", &[])?
                .get(0)
        } else {
            0.0
        };
        let mut new_parks = 0.0;
        for id in &ids {
            let changes: Vec<&Change> = set.changes.iter().filter(|c| c.park() == id).collect();
            let now = applied
                .atlas
                .park_index(id)
                .map(|i| &applied.atlas.parks[i]);
            match (old_rows.remove(id), now) {
                (None, None) => {}
                (Some(_), None) => {
                    tx.execute("DELETE FROM parks WHERE id = $1", &[id])?;
                }
                (None, Some(p)) => {
                    let feature = crate::io::export::park_feature(p)
                        .map_err(|e| StoreError::Db(e.to_string()))?;
                    let mut out = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
                    split_feature(&feature, next_position + new_parks, &mut out);
                    new_parks += 1.0;
                    let [p, pr, t, s] = &out;
                    insert_rows(&mut tx, &PARKS, p)?;
                    insert_rows(&mut tx, &PROJECTS, pr)?;
                    insert_rows(&mut tx, &TARGETS, t)?;
                    insert_rows(&mut tx, &SOURCES, s)?;
                }
                (Some(old), Some(p)) => write_park(&mut tx, id, &old, p, &changes)?,
            }
        }
        for e in &applied.log {
            let entry = serde_json::to_value(e).map_err(|e| StoreError::Db(e.to_string()))?;
            tx.execute("INSERT INTO edits (entry) VALUES ($1)", &[&entry])?;
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Starts listening for saved changes (see [`Store::wait_for_changes`]).
    pub fn listen(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(())
    }

    /// The parks changed by others' saves, waiting up to `timeout` for the first; empty when
    /// none came. Needs [`Store::listen`] first.
    pub fn wait_for_changes(&mut self, timeout: Duration) -> Result<Vec<String>, StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut ids: Vec<String> = Vec::new();
        let mut n = self.client.notifications();
        let first = n.timeout_iter(timeout).next()?;
        if let Some(first) = first {
            ids.push(first.payload().to_owned());
            // What came with it (one save notifies once per park).
            let mut more = n.timeout_iter(Duration::from_millis(20));
            while let Some(m) = more.next()? {
                ids.push(m.payload().to_owned());
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Whether the connection still answers.
    pub fn is_alive(&mut self) -> bool {
        self.client.is_valid(Duration::from_secs(3)).is_ok()
    }

    /// The last `limit` changes Park Atlas applied (oldest first), from `edits`: what the
    /// details panel shows as each park's history.
    pub fn history(&mut self, limit: i64) -> Result<Vec<crate::changes::LogEntry>, StoreError> {
        let rows = self.client.query(
            "SELECT entry FROM (SELECT seq, entry FROM edits ORDER BY seq DESC LIMIT $1) e ORDER BY seq",
            &[&limit],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| serde_json::from_value(r.get::<_, Value>(0)).ok())
            .collect())
    }
}

/// A park as read: its id, its properties (projects, targets and sources included, in the
/// order they were given) and its geometry as the GeoJSON text the server wrote.
struct ParkOut {
    id: String,
    props: Map<String, Value>,
    geometry: Option<String>,
}

impl ParkOut {
    /// The park as a GeoJSON feature (values moved, not copied).
    fn feature(self) -> Value {
        let geometry = self
            .geometry
            .and_then(|g| serde_json::from_str(&g).ok())
            .unwrap_or(Value::Null);
        let mut f = Map::new();
        f.insert("type".into(), Value::from("Feature"));
        f.insert("id".into(), Value::from(self.id));
        f.insert("properties".into(), Value::Object(self.props));
        f.insert("geometry".into(), geometry);
        Value::Object(f)
    }

    /// Writes the park as a GeoJSON feature (the geometry's text as the server wrote it).
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
        serde_json::to_writer(&mut *out, &self.id)?;
        out.extend_from_slice(b",\"properties\":");
        serde_json::to_writer(&mut *out, &self.props)?;
        out.extend_from_slice(b",\"geometry\":");
        out.extend_from_slice(self.geometry.as_deref().unwrap_or("null").as_bytes());
        out.push(b'}');
        Ok(())
    }
}

/// Reads parks (all, or those in `ids`); with `keep_rows`, also their rows for a save.
/// `lock`: lock the rows read until the transaction ends.
fn read_parks(
    tx: &mut Transaction<'_>,
    ids: Option<&[String]>,
    lock: bool,
    keep_rows: bool,
) -> Result<(Vec<ParkOut>, HashMap<String, ParkRows>), StoreError> {
    let (filter_park, filter_child) = if ids.is_some() {
        (" WHERE id = ANY($1)", " WHERE park_id = ANY($1)")
    } else {
        ("", "")
    };
    let lock = if lock { " FOR UPDATE" } else { "" };
    let all: Vec<String> = Vec::new();
    let ids = ids.unwrap_or(&all);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = if filter_park.is_empty() {
        Vec::new()
    } else {
        vec![&ids]
    };
    let parks = json_rows(
        tx,
        &format!(
            "SELECT {}, ST_AsGeoJSON(geom, 17) AS geojson FROM parks{filter_park} \
             ORDER BY position, id{lock}",
            select_columns(&PARKS)
        ),
        &params,
    )?;
    let mut rows: HashMap<String, ParkRows> = HashMap::new();
    let mut outs = Vec::with_capacity(parks.len());
    let mut keys = Vec::with_capacity(parks.len());
    let mut at: HashMap<String, usize> = HashMap::with_capacity(parks.len());
    for mut row in parks {
        let geometry = match row.remove("geojson") {
            Some(Value::String(g)) => Some(g),
            _ => None,
        };
        let id = row
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if keep_rows {
            let parsed = geometry
                .as_deref()
                .and_then(|g| serde_json::from_str(g).ok())
                .unwrap_or(Value::Null);
            rows.insert(
                id.clone(),
                ParkRows {
                    row: row.clone(),
                    geometry: parsed,
                    ..ParkRows::default()
                },
            );
        }
        keys.push(row.remove("keys"));
        at.insert(id.clone(), outs.len());
        outs.push(ParkOut {
            props: rows::into_props(row, &PARKS),
            id,
            geometry,
        });
    }
    // Each park's projects, targets and sources, in order.
    let mut lists: Vec<[Vec<Value>; 2]> = vec![[Vec::new(), Vec::new()]; outs.len()];
    for (table, which) in [(&PROJECTS, 0), (&TARGETS, 1)] {
        let children = json_rows(
            tx,
            &format!(
                "SELECT {} FROM {}{filter_child} ORDER BY park_id, position, row_id{lock}",
                select_columns(table),
                table.name
            ),
            &params,
        )?;
        for row in children {
            let park = row
                .get("park_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let Some(&i) = at.get(&park) else { continue };
            if let Some(p) = rows.get_mut(&park) {
                let row_id = row
                    .get("row_id")
                    .and_then(Value::as_i64)
                    .unwrap_or_default();
                let position = row
                    .get("position")
                    .and_then(Value::as_f64)
                    .unwrap_or_default();
                let list = if which == 0 {
                    &mut p.projects
                } else {
                    &mut p.targets
                };
                list.push((row_id, position, row.clone()));
            }
            lists[i][which].push(Value::Object(rows::into_props(row, table)));
        }
    }
    let sources = json_rows(
        tx,
        &format!(
            "SELECT {} FROM sources{filter_child} ORDER BY park_id, position, key{lock}",
            select_columns(&SOURCES)
        ),
        &params,
    )?;
    let mut source_maps: Vec<Map<String, Value>> = vec![Map::new(); outs.len()];
    for row in sources {
        let park = row
            .get("park_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let key = row
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(&i) = at.get(&park) else { continue };
        if let Some(p) = rows.get_mut(&park) {
            p.sources.insert(key.clone(), row.clone());
        }
        source_maps[i].insert(key, Value::Object(rows::into_props(row, &SOURCES)));
    }
    for (((out, [projects, targets]), sources), keys) in
        outs.iter_mut().zip(lists).zip(source_maps).zip(keys)
    {
        out.props.insert("projects".into(), Value::Array(projects));
        out.props.insert("targets".into(), Value::Array(targets));
        if !sources.is_empty() {
            out.props.insert("sources".into(), Value::Object(sources));
        }
        let mut order = Map::new();
        if let Some(k) = keys {
            order.insert("keys".into(), k);
        }
        out.props = rows::in_order(std::mem::take(&mut out.props), &order);
    }
    Ok((outs, rows))
}

/// The rows of a query as JSON objects of their columns, read in the driver's binary form by
/// each column's type (no JSON text made by the server and parsed again) and as they arrive.
fn json_rows(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<Map<String, Value>>, StoreError> {
    use postgres::fallible_iterator::FallibleIterator;
    use postgres::types::Type;
    let mut out = Vec::new();
    let mut it = tx.query_raw(sql, params.iter().copied())?;
    while let Some(row) = it.next()? {
        let mut m = Map::with_capacity(row.len());
        for (i, c) in row.columns().iter().enumerate() {
            let v = match *c.type_() {
                Type::TEXT | Type::VARCHAR => row
                    .get::<_, Option<String>>(i)
                    .map_or(Value::Null, Value::String),
                Type::FLOAT8 => row
                    .get::<_, Option<f64>>(i)
                    .map_or(Value::Null, Value::from),
                Type::INT4 => row
                    .get::<_, Option<i32>>(i)
                    .map_or(Value::Null, Value::from),
                Type::INT8 => row
                    .get::<_, Option<i64>>(i)
                    .map_or(Value::Null, Value::from),
                Type::TEXT_ARRAY => row
                    .get::<_, Option<Vec<String>>>(i)
                    .map_or(Value::Null, |a| {
                        Value::Array(a.into_iter().map(Value::String).collect())
                    }),
                Type::JSON | Type::JSONB => row.get::<_, Option<Value>>(i).unwrap_or(Value::Null),
                _ => Value::Null,
            };
            m.insert(c.name().to_owned(), v);
        }
        out.push(m);
    }
    Ok(out)
}

/// Features as a GeoJSON FeatureCollection (moved in, not copied).
fn collection(features: Vec<Value>) -> Value {
    let mut c = Map::new();
    c.insert("type".into(), Value::from("FeatureCollection"));
    c.insert("features".into(), Value::Array(features));
    Value::Object(c)
}

/// Parks read from features with the park reader's rules.
fn parse_parks(
    shown: &str,
    features: Vec<Value>,
    taxonomy: &crate::model::Taxonomy,
) -> Result<Vec<crate::model::Park>, StoreError> {
    let bytes =
        serde_json::to_vec(&collection(features)).map_err(|e| StoreError::Db(e.to_string()))?;
    let (parsed, problems) =
        crate::io::read::parse_geojson(&format!("{shown} parks"), &bytes, Some(taxonomy));
    if problems
        .iter()
        .any(|p| p.severity == crate::io::problem::Severity::Error)
    {
        return Err(StoreError::Dataset(problems));
    }
    Ok(parsed.parks)
}

/// A park's feature split into rows: the park's (with `position` and its geometry under
/// `geom`), its projects', targets' and sources' (with `park_id` and `position`).
fn split_feature(feature: &Value, position: f64, out: &mut [Vec<Value>; 4]) {
    let empty = Map::new();
    let props = feature
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let id = props.get("id").cloned().unwrap_or(Value::Null);
    let mut row = rows::to_row(props, &PARKS, &["projects", "targets", "sources"]);
    row.insert("position".into(), json!(position));
    row.insert(
        "geojson".into(),
        feature.get("geometry").cloned().unwrap_or(Value::Null),
    );
    out[0].push(Value::Object(row));
    for (key, table, slot) in [("projects", &PROJECTS, 1), ("targets", &TARGETS, 2)] {
        for (i, rec) in props
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(rec) = rec.as_object() else { continue };
            let mut row = rows::to_row(rec, table, &[]);
            row.insert("park_id".into(), id.clone());
            row.insert("position".into(), json!(i as f64));
            out[slot].push(Value::Object(row));
        }
    }
    if let Some(sources) = props.get("sources").and_then(Value::as_object) {
        for (i, (key, s)) in sources.iter().enumerate() {
            let Some(s) = s.as_object() else { continue };
            let mut row = rows::to_row(s, &SOURCES, &[]);
            row.insert("park_id".into(), id.clone());
            row.insert("key".into(), json!(key));
            row.insert("position".into(), json!(i as f64));
            out[3].push(Value::Object(row));
        }
    }
}

/// The columns a row of `table` is inserted with (its own keys included).
fn insert_columns(table: &Table) -> Vec<&'static str> {
    let own: &[&str] = match table.name {
        "parks" => &["position"],
        "sources" => &["park_id", "key", "position"],
        _ => &["park_id", "position"],
    };
    own.iter()
        .copied()
        .chain(table.columns.iter().map(|(c, _)| *c))
        .chain(["extra", "keys"])
        .collect()
}

/// The columns a row of `table` is read with.
fn select_columns(table: &Table) -> String {
    let mut cols = insert_columns(table);
    if matches!(table.name, "projects" | "targets") {
        cols.push("row_id");
    }
    cols.join(", ")
}

/// Inserts rows (JSON objects of columns) in one statement.
fn insert_rows(tx: &mut Transaction<'_>, table: &Table, rows: &[Value]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let cols = insert_columns(table);
    let list = cols.join(", ");
    let select: Vec<String> = cols.iter().map(|c| format!("r.{c}")).collect();
    let (geom_col, geom_val) = if table.name == "parks" {
        (
            ", geom",
            ", ST_SetSRID(ST_GeomFromGeoJSON(e ->> 'geojson'), 4326)",
        )
    } else {
        ("", "")
    };
    let sql = format!(
        "INSERT INTO {t} ({list}{geom_col}) SELECT {sel}{geom_val} \
         FROM json_array_elements($1::json) e, json_populate_record(NULL::{t}, e) r",
        t = table.name,
        sel = select.join(", "),
    );
    let array = Value::Array(rows.to_vec());
    tx.execute(&sql, &[&array])?;
    Ok(())
}

/// Updates the given columns of one row (`key_col` = `key`) from a JSON object of columns.
fn update_row(
    tx: &mut Transaction<'_>,
    table: &Table,
    key: (&str, &(dyn postgres::types::ToSql + Sync)),
    extra_key: Option<(&str, &(dyn postgres::types::ToSql + Sync))>,
    cols: &[&str],
    row: &Map<String, Value>,
) -> Result<(), StoreError> {
    if cols.is_empty() {
        return Ok(());
    }
    let list = cols.join(", ");
    let select: Vec<String> = cols.iter().map(|c| format!("r.{c}")).collect();
    let mut sql = format!(
        "UPDATE {t} SET ({list}) = (SELECT {sel} FROM json_populate_record(NULL::{t}, $1::json) r) \
         WHERE {k} = $2",
        t = table.name,
        sel = select.join(", "),
        k = key.0,
    );
    let row = Value::Object(row.clone());
    let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&row, key.1];
    if let Some((k, v)) = extra_key {
        sql.push_str(&format!(" AND {k} = $3"));
        params.push(v);
    }
    tx.execute(&sql, &params)?;
    Ok(())
}

/// Where each record of a park's list ended after its changes: the row id it was read from,
/// or `None` for one added.
fn trace(
    old: &[(i64, f64, Map<String, Value>)],
    changes: &[&Change],
    projects: bool,
) -> Vec<Option<i64>> {
    let mut slots: Vec<Option<i64>> = old.iter().map(|(id, _, _)| Some(*id)).collect();
    for c in changes {
        match (c, projects) {
            (Change::AddProject { .. }, true) | (Change::AddTarget { .. }, false) => {
                slots.push(None)
            }
            (Change::RemoveProject { project: i, .. }, true)
            | (Change::RemoveTarget { target: i, .. }, false)
                if *i < slots.len() =>
            {
                slots.remove(*i);
            }
            _ => {}
        }
    }
    slots
}

/// Writes one park's changes: the park's changed columns and geometry, then its projects,
/// targets and sources (rows updated, added or removed as the changes did).
fn write_park(
    tx: &mut Transaction<'_>,
    id: &String,
    old: &ParkRows,
    park: &crate::model::Park,
    changes: &[&Change],
) -> Result<(), StoreError> {
    let feature =
        crate::io::export::park_feature(park).map_err(|e| StoreError::Db(e.to_string()))?;
    let mut out = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    split_feature(&feature, 0.0, &mut out);
    let [new_park, new_projects, new_targets, new_sources] = out;
    if let Some(Value::Object(row)) = new_park.first() {
        let cols = rows::changed_columns(&old.row, row, &PARKS);
        update_row(tx, &PARKS, ("id", id), None, &cols, row)?;
        let geom = row.get("geojson").unwrap_or(&Value::Null);
        if !crate::changes::same(geom, &old.geometry) {
            let text = (!geom.is_null()).then(|| geom.to_string());
            tx.execute(
                "UPDATE parks SET geom = ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326) WHERE id = $2",
                &[&text, id],
            )?;
        }
    }
    for (old_list, new_list, table, projects) in [
        (&old.projects, &new_projects, &PROJECTS, true),
        (&old.targets, &new_targets, &TARGETS, false),
    ] {
        let slots = trace(old_list, changes, projects);
        let by_id: HashMap<i64, (f64, &Map<String, Value>)> =
            old_list.iter().map(|(i, p, r)| (*i, (*p, r))).collect();
        let slots = if slots.len() == new_list.len() {
            slots
        } else {
            // The changes do not explain the list (it should not happen): replace it.
            vec![None; new_list.len()]
        };
        for (rid, _, _) in old_list {
            if !slots.contains(&Some(*rid)) {
                tx.execute(
                    &format!("DELETE FROM {} WHERE row_id = $1", table.name),
                    &[rid],
                )?;
            }
        }
        let mut next = old_list.iter().map(|(_, p, _)| *p).fold(-1.0, f64::max) + 1.0;
        let mut added = Vec::new();
        for (slot, new) in slots.iter().zip(new_list) {
            let Value::Object(new) = new else { continue };
            match slot.and_then(|rid| by_id.get(&rid).map(|o| (rid, o))) {
                Some((rid, (position, old_row))) => {
                    let mut new = new.clone();
                    new.insert("position".into(), json!(position));
                    let cols = rows::changed_columns(old_row, &new, table);
                    update_row(tx, table, ("row_id", &rid), None, &cols, &new)?;
                }
                None => {
                    let mut new = new.clone();
                    new.insert("position".into(), json!(next));
                    next += 1.0;
                    added.push(Value::Object(new));
                }
            }
        }
        insert_rows(tx, table, &added)?;
    }
    let mut added = Vec::new();
    let mut kept = Vec::new();
    let mut next = old
        .sources
        .values()
        .filter_map(|r| r.get("position").and_then(Value::as_f64))
        .fold(-1.0, f64::max)
        + 1.0;
    for s in &new_sources {
        let Value::Object(s) = s else { continue };
        let key = s
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match old.sources.get(&key) {
            Some(old_row) => {
                let cols = rows::changed_columns(old_row, s, &SOURCES);
                update_row(tx, &SOURCES, ("park_id", id), Some(("key", &key)), &cols, s)?;
            }
            None => {
                let mut s = s.clone();
                s.insert("position".into(), json!(next));
                next += 1.0;
                added.push(Value::Object(s));
            }
        }
        kept.push(key);
    }
    for key in old.sources.keys() {
        if !kept.contains(key) {
            tx.execute(
                "DELETE FROM sources WHERE park_id = $1 AND key = $2",
                &[id, key],
            )?;
        }
    }
    insert_rows(tx, &SOURCES, &added)?;
    Ok(())
}
