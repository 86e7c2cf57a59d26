//! The `park-atlas` program: without a sub-command it opens the map window; `list`,
//! `validate` and `export` are the command line over the same library.
//!
//! Exit codes: 0 ok, 1 bad input (invalid data, unreadable files, failed export), 2 usage.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// mimalloc: loading big files is allocation-bound; see Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use park_atlas::model::{Role, Tier};

/// Park Atlas: Zhanjiang's industrial parks on a map — or, with a sub-command, list, validate
/// and export the park data.
///
/// Without a sub-command the map window opens. Without --data the embedded Zhanjiang dataset
/// is used.
#[derive(Parser, Debug)]
#[command(name = "park-atlas", version, about, long_about = None)]
struct Cli {
    /// GeoJSON files to open in the window as layers (a parks file replaces the parks; a
    /// dataset folder replaces the dataset).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Use the dataset in this folder (parks.geojson; optional counties.geojson, clusters.json,
    /// citywide.json, land.geojson) instead of the embedded Zhanjiang data.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,

    /// Use the team store at this PostgreSQL address instead of a folder
    /// (postgresql://user@host:port/database; the password from PGPASSWORD or ~/.pgpass, never
    /// in the address you save). See docs/TEAM-STORE.md.
    #[arg(
        long,
        global = true,
        env = "PARK_ATLAS_DB",
        hide_env_values = true,
        value_name = "URL"
    )]
    db: Option<String>,

    /// The coordinate system of the files opened (in the window, by validate): wgs84, gcj02
    /// (AMap/Gaode, Tencent, DataV) or bd09 (Baidu); they are converted to WGS-84. Default:
    /// found from each file (a counties file matching the built-in counties only once the
    /// offset is removed, DataV's properties, columns named gcj_lng or bd_lat), else WGS-84.
    #[arg(long, global = true, value_parser = parse_crs, value_name = "wgs84|gcj02|bd09")]
    crs: Option<park_atlas::io::crs::WebCrs>,

    /// Open the window, save a PNG screenshot of it as it opens, and exit (for docs and CI).
    /// It waits until the files named and the team store (--db) are read and the view's shapes
    /// are ready (at most 120 s, then it says what it was waiting for), and, with a tile
    /// basemap, until the visible tiles arrived or failed (at most 10 s).
    /// With PARK_ATLAS_TIMING=1 it prints the time to the complete picture.
    #[arg(long, value_name = "FILE.png")]
    screenshot: Option<PathBuf>,

    /// Basemap of the window: the built-in offline map, or tiles from OpenStreetMap, AMap
    /// (GCJ-02), a custom XYZ URL (--tile-url) or a local tiles folder (--tiles). Default: the
    /// last one used.
    #[arg(long, value_enum, value_name = "SOURCE")]
    basemap: Option<BasemapArg>,

    /// URL template for --basemap xyz, e.g. https://tiles.example/{z}/{x}/{y}.png
    #[arg(long, value_name = "TEMPLATE")]
    tile_url: Option<String>,

    /// Attribution shown for --basemap xyz.
    #[arg(long, value_name = "TEXT", default_value = "Custom tiles")]
    tile_attribution: String,

    /// Folder of {z}/{x}/{y}.png tiles, or a raster .pmtiles file, for --basemap tiles.
    #[arg(long, value_name = "DIR")]
    tiles: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a table of the parks that match the filters (all parks without filters).
    List {
        #[command(flatten)]
        filters: FilterArgs,
        /// Language of the table: names, counties, tiers, clusters, headers and summary.
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Check data files; exit 0 when valid (warnings are listed), 1 with the problems when not.
    ///
    /// A folder is checked as a whole dataset (references between its files included); a file
    /// is checked on its own: GeoJSON (parks, counties, any features), clusters.json or
    /// citywide.json, told apart by content.
    Validate {
        /// Files or dataset folders.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Language of the problems and the summary. Default: Chinese when the system's locale
        /// (LC_ALL, LC_MESSAGES or LANG) is Chinese, else English.
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Write a file Park Atlas opens as a layer (CSV/TSV table, workbook, KML/KMZ, TopoJSON,
    /// GeoPackage, shapefile, GeoJSON of features or counties) as WGS-84 GeoJSON or CSV: the window's readers, coordinates in
    /// GCJ-02 or BD-09 found (or declared with --crs) and converted. Prints what it found and
    /// did; on bad input exits 1 and writes nothing.
    Convert {
        /// The file to convert.
        #[arg(value_name = "IN")]
        input: PathBuf,
        /// Output file: .geojson, .csv or .gpkg.
        #[arg(long, short, value_name = "OUT")]
        out: PathBuf,
        /// The longitude column of a table (else found by name).
        #[arg(long, value_name = "COLUMN", requires = "lat")]
        lon: Option<String>,
        /// The latitude column of a table (else found by name).
        #[arg(long, value_name = "COLUMN", requires = "lon")]
        lat: Option<String>,
        /// The sheet of a workbook (else the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Language of what it says.
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Write the matching parks to a GeoJSON or CSV file (format from the extension).
    ///
    /// CSV writes two files: FILE.csv with one row per park and FILE-projects.csv with one row
    /// per project. Both are UTF-8 with a byte-order mark, so Excel shows Chinese correctly.
    Export {
        #[command(flatten)]
        chosen: ChosenArgs,
        /// Output file: .geojson, .json, .csv or .gpkg.
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
    },
    /// Draw a map of the matching parks (highlighted, labelled) over the city, without a
    /// window: SVG, or PNG rasterised from the same scene.
    Map {
        #[command(flatten)]
        chosen: ChosenArgs,
        /// Output file: .png or .svg.
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// Width in pixels (PNG) or user units (SVG).
        #[arg(long, default_value_t = 1600)]
        width: u32,
        /// Language of names and labels.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
        /// Title (default: what is shown and how many parks).
        #[arg(long)]
        title: Option<String>,
        /// SVG only: draw every text as outlines (paths) with the shipped font, so that the
        /// file looks the same in readers without a Chinese font; the text is then no longer
        /// editable or searchable.
        #[arg(long)]
        outline_text: bool,
    },
    /// Write an A4 PDF brief of the matching parks: a map, then each park with its projects,
    /// targets and numbered sources.
    Brief {
        #[command(flatten)]
        chosen: ChosenArgs,
        /// Output file (.pdf).
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// Language of labels (names are given in both).
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
        /// Title (default: what is shown and how many parks).
        #[arg(long)]
        title: Option<String>,
        /// Date in the footer, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Print per-county numbers of the matching parks: adcode, name, parks, projects and signed
    /// investment per currency (never added across currencies). A park listing several
    /// counties counts in each.
    Stats {
        /// What to group by (only `county` for now).
        #[arg(long, value_enum, default_value_t = By::County)]
        by: By,
        #[command(flatten)]
        filters: FilterArgs,
        /// Output: an aligned table, or CSV for scripts.
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
        /// Language of the names.
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Apply a change set (JSON, see docs/DATA.md) to the dataset folder given with --data:
    /// all of it or, on any conflict, invalid value or missing source, nothing (exit 1, each
    /// reason listed). The parks file and the change log (changes.jsonl) are written together.
    Apply {
        /// The change set.
        #[arg(value_name = "CHANGES.json")]
        changes: PathBuf,
        /// Language of the messages. Default: Chinese when the system's locale is Chinese.
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Import a signing list (CSV/TSV or workbook of signed projects) into the dataset folder
    /// given with --data: columns found from Chinese or English headers (项目名称, 投资方,
    /// 投资额 with its unit, 所在园区, 签约时间, 所属产业), amounts in whole yuan. Rows whose
    /// park matches exactly are added as projects citing the list; every other row is listed
    /// with its closest parks; rows already in the data are skipped.
    ImportProjects {
        /// The list.
        #[arg(value_name = "LIST.xlsx|.csv")]
        list: PathBuf,
        /// The workbook's sheet (default: the first with a project-name column).
        #[arg(long)]
        sheet: Option<String>,
        /// The list's title (default: the file name and sheet).
        #[arg(long, value_name = "TEXT")]
        source_title: Option<String>,
        /// The list's web address.
        #[arg(long, value_name = "URL")]
        source_url: Option<String>,
        /// The list's date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        source_date: Option<String>,
        /// Show what would be added, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Language of the messages. Default: Chinese when the system's locale is Chinese.
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// The team store on PostgreSQL + PostGIS: create its tables, push a dataset into it, pull
    /// it into a folder. The address is URL or, without it, --db / PARK_ATLAS_DB.
    Db {
        #[command(subcommand)]
        action: DbAction,
        /// Language of the messages. Default: Chinese when the system's locale is Chinese.
        #[arg(long, value_enum, global = true)]
        lang: Option<Lang>,
    },
    /// Copy the dataset (the embedded Zhanjiang data, or --data) into a new folder, to change
    /// it there with apply, import-projects or the window's edits (--data DIR).
    CopyData {
        /// The new folder.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write seeded synthetic data for trying Park Atlas at scale: a dataset folder of N parks
    /// as polygons inside Zhanjiang's counties (with the embedded counties and clusters), or
    /// with --parcels a GeoJSON file of N generic polygons. Not real data.
    Generate {
        /// Number of parks (or parcels).
        #[arg(long, short = 'n', default_value_t = 1000)]
        count: usize,
        /// Projects per park.
        #[arg(long, default_value_t = 10)]
        projects: usize,
        /// Vertices per polygon.
        #[arg(long, default_value_t = 48)]
        vertices: usize,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write a parcel layer (generic polygons) to the --out file instead of a parks folder.
        #[arg(long)]
        parcels: bool,
        /// Output: a folder (parks) or a .geojson file (--parcels).
        #[arg(long, short, value_name = "PATH")]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum DbAction {
    /// Create the Park Atlas tables in a database (PostGIS is created when missing), or bring
    /// an older schema up to date; a newer schema is refused.
    Init {
        /// postgresql://user@host:port/database
        #[arg(value_name = "URL")]
        url: Option<String>,
    },
    /// Write a dataset (--data DIR, else the embedded data) into an empty store, checked first,
    /// in one transaction.
    Push {
        /// postgresql://user@host:port/database
        #[arg(value_name = "URL")]
        url: Option<String>,
    },
    /// Write the store's dataset into a new folder (parks.geojson and the other files).
    Pull {
        /// postgresql://user@host:port/database
        #[arg(value_name = "URL")]
        url: Option<String>,
        /// The new folder.
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
    },
}

/// The parks a command works on: those that pass the filters and, with `--id`, are named.
#[derive(Args, Debug, Default)]
struct ChosenArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Only these park ids (repeat or separate with commas); combines with filters.
    #[arg(long = "id", value_name = "ID", value_delimiter = ',')]
    ids: Vec<String>,
}

#[derive(Args, Debug, Default)]
struct FilterArgs {
    /// Parks planning any of these clusters (ids such as green_petrochem; repeat or use commas).
    #[arg(long = "cluster", value_name = "ID", value_delimiter = ',')]
    clusters: Vec<String>,
    /// Parks planning any cluster of these groups: pillar, emerging, traditional, agglomeration.
    #[arg(long = "group", value_name = "ID", value_delimiter = ',')]
    groups: Vec<String>,
    /// Parks in any of these counties: adcode (440803) or name (霞山区, Xiashan).
    #[arg(long = "county", value_name = "COUNTY", value_delimiter = ',')]
    counties: Vec<String>,
    /// Parks of these tiers.
    #[arg(long = "tier", value_parser = tier_parser(), value_delimiter = ',')]
    tiers: Vec<Tier>,
    /// Parks with these roles.
    #[arg(long = "role", value_parser = role_parser(), value_delimiter = ',')]
    roles: Vec<Role>,
    /// Text found in a park's names, id, project names or investors (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
}

/// Parses tier names as the data files spell them (national, provincial, …).
fn tier_parser() -> impl clap::builder::TypedValueParser<Value = Tier> {
    clap::builder::PossibleValuesParser::new(Tier::ALL.map(Tier::as_str))
        .try_map(|s| Tier::parse(&s).ok_or("unknown tier"))
}

/// Parses role names as the data files spell them (county_park, anchor_site, …).
fn role_parser() -> impl clap::builder::TypedValueParser<Value = Role> {
    clap::builder::PossibleValuesParser::new(Role::ALL.map(Role::as_str))
        .try_map(|s| Role::parse(&s).ok_or("unknown role"))
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum By {
    County,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum StatsFormat {
    Table,
    Csv,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum BasemapArg {
    Embedded,
    Osm,
    Amap,
    Xyz,
    Tiles,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Lang {
    En,
    Zh,
}

/// `--crs`: a coordinate system's name.
fn parse_crs(s: &str) -> Result<park_atlas::io::crs::WebCrs, String> {
    park_atlas::io::crs::WebCrs::parse(s)
        .ok_or_else(|| format!("{s:?} is not wgs84, gcj02 or bd09"))
}

/// A failure the user can fix by changing the command (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

/// Data that does not load (exit 1); the problems were already printed.
#[derive(Debug, thiserror::Error)]
#[error("the data has {0} error(s)")]
struct InvalidData(usize);

/// `println!` that returns the write error instead of panicking: `park-atlas list | head` closes
/// the pipe early, and that ends the program quietly (see `main`), not with a panic.
macro_rules! say {
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout(), format_args!("{}\n", format_args!($($arg)*)))?
    };
}

mod cli;
use cli::data::{brief, export, load, map_image, system_lang, validate};
use cli::db::Place;
use cli::tables::{list, stats};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli, started) {
        Ok(code) => code,
        // The reader of our output went away (`| head`): nothing left to say to it.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            if e.downcast_ref::<UsageError>().is_some() {
                eprintln!("park-atlas: {e}");
                return ExitCode::from(2);
            }
            if e.downcast_ref::<InvalidData>().is_none() {
                eprintln!("park-atlas: {e:#}");
            }
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli, started: std::time::Instant) -> Result<ExitCode> {
    let place = if matches!(cli.command, Some(Command::Db { .. })) {
        Place::Embedded
    } else {
        Place::new(cli.data.clone(), cli.db.clone())?
    };
    match cli.command {
        None => {
            let basemap = basemap_choice(&cli)?;
            window(
                (cli.data, cli.db),
                (cli.files, cli.crs),
                cli.screenshot,
                basemap,
                started,
            )
        }
        Some(Command::List { filters, lang }) => {
            let atlas = load(&place)?;
            let r = list(&atlas, &filters, lang);
            // The process ends now: the system takes the memory back faster than freeing
            // every park one by one would.
            std::mem::forget(atlas);
            r
        }
        Some(Command::Validate { files, lang }) => validate(
            cli.data.as_deref(),
            &files,
            lang.unwrap_or_else(system_lang) == Lang::Zh,
            cli.crs,
        ),
        Some(Command::Convert {
            input,
            out,
            lon,
            lat,
            sheet,
            lang,
        }) => cli::data::convert(
            &input,
            &out,
            park_atlas::io::formats::TableOptions {
                lon,
                lat,
                crs: cli.crs,
                sheet,
                bbox: None,
            },
            lang.unwrap_or_else(system_lang) == Lang::Zh,
        ),
        Some(Command::Export { chosen, out }) => {
            let atlas = load(&place)?;
            let r = export(&atlas, &chosen, &out);
            std::mem::forget(atlas);
            r
        }
        Some(Command::Map {
            chosen,
            out,
            width,
            lang,
            title,
            outline_text,
        }) => map_image(
            &load(&place)?,
            &chosen,
            &out,
            width,
            lang,
            title,
            outline_text,
        ),
        Some(Command::Brief {
            chosen,
            out,
            lang,
            title,
            date,
        }) => brief(&load(&place)?, &chosen, &out, lang, title, date),
        Some(Command::Stats {
            by: By::County,
            filters,
            format,
            lang,
        }) => stats(&load(&place)?, &filters, format, lang),
        Some(Command::Apply { changes, lang }) => cli::edit::apply(
            &place,
            &changes,
            lang.unwrap_or_else(system_lang) == Lang::Zh,
        ),
        Some(Command::ImportProjects {
            list,
            sheet,
            source_title,
            source_url,
            source_date,
            dry_run,
            lang,
        }) => cli::edit::import_projects(
            &place,
            &list,
            &park_atlas::changes::import::ImportOptions {
                sheet,
                title: source_title,
                url: source_url,
                date: source_date,
            },
            dry_run,
            lang.unwrap_or_else(system_lang) == Lang::Zh,
        ),
        Some(Command::Db { action, lang }) => {
            let zh = lang.unwrap_or_else(system_lang) == Lang::Zh;
            let url_of = |url: Option<String>| -> Result<String> {
                match (url, cli.db.clone().filter(|u| !u.trim().is_empty())) {
                    (Some(u), _) | (None, Some(u)) => Ok(u),
                    _ => bail!(UsageError(
                        "name the store: park-atlas db … postgresql://user@host:port/database (or --db, PARK_ATLAS_DB)".into()
                    )),
                }
            };
            match action {
                DbAction::Init { url } => cli::db::init(&url_of(url)?, zh),
                DbAction::Push { url } => cli::db::push(cli.data.as_deref(), &url_of(url)?, zh),
                DbAction::Pull { url, out } => cli::db::pull(&url_of(url)?, &out, zh),
            }
        }
        Some(Command::CopyData { dir }) => cli::edit::copy_data(cli.data.as_deref(), &dir),
        Some(Command::Generate {
            count,
            projects,
            vertices,
            seed,
            parcels,
            out,
        }) => {
            let options = park_atlas::synth::SynthOptions {
                features: count,
                projects,
                vertices,
                seed,
            };
            if parcels {
                park_atlas::synth::write_parcels(options, &out)?;
                say!("wrote {} ({count} parcels)", out.display());
            } else {
                let n = park_atlas::synth::write_dataset(options, &out)?;
                say!(
                    "wrote {} ({n} parks, {} projects)",
                    out.display(),
                    n * projects
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(feature = "gui")]
type BasemapChoice = Option<Option<park_atlas::map::tiles::TileSource>>;
#[cfg(not(feature = "gui"))]
type BasemapChoice = ();

/// The basemap asked for on the command line: `None` = keep the saved one.
#[cfg(feature = "gui")]
fn basemap_choice(cli: &Cli) -> Result<BasemapChoice> {
    use park_atlas::map::tiles::TileSource;
    if cli.tile_url.is_some() && cli.basemap != Some(BasemapArg::Xyz) {
        bail!(UsageError("--tile-url goes with --basemap xyz".into()));
    }
    if cli.tiles.is_some() && cli.basemap != Some(BasemapArg::Tiles) {
        bail!(UsageError("--tiles goes with --basemap tiles".into()));
    }
    Ok(match cli.basemap {
        None => None,
        Some(BasemapArg::Embedded) => Some(None),
        Some(BasemapArg::Osm) => Some(Some(TileSource::Osm)),
        Some(BasemapArg::Amap) => Some(Some(TileSource::Amap)),
        Some(BasemapArg::Xyz) => {
            let Some(template) = cli.tile_url.clone() else {
                bail!(UsageError("--basemap xyz needs --tile-url TEMPLATE".into()));
            };
            TileSource::check_template(&template)
                .map_err(|e| UsageError(format!("--tile-url: {e}")))?;
            Some(Some(TileSource::Xyz {
                template,
                attribution: cli.tile_attribution.clone(),
            }))
        }
        Some(BasemapArg::Tiles) => {
            let Some(dir) = cli.tiles.clone() else {
                bail!(UsageError("--basemap tiles needs --tiles DIR".into()));
            };
            Some(Some(
                TileSource::local(&dir).map_err(|e| anyhow::anyhow!("--tiles: {e}"))?,
            ))
        }
    })
}

#[cfg(not(feature = "gui"))]
fn basemap_choice(_cli: &Cli) -> Result<BasemapChoice> {
    Ok(())
}

#[cfg(feature = "gui")]
fn window(
    (data, db): (Option<PathBuf>, Option<String>),
    (files, crs): (Vec<PathBuf>, Option<park_atlas::io::crs::WebCrs>),
    screenshot: Option<PathBuf>,
    basemap: BasemapChoice,
    started: std::time::Instant,
) -> Result<ExitCode> {
    use park_atlas::app::{AppOptions, ParkAtlasApp};
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Park Atlas — 湛江产业园区")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let want_shot = screenshot.is_some();
    let slot = std::sync::Arc::new(std::sync::Mutex::new(None));
    let slot_in_app = slot.clone();
    eframe::run_native(
        "park-atlas",
        options,
        Box::new(move |cc| {
            let app = ParkAtlasApp::new(
                cc,
                AppOptions {
                    data_dir: data,
                    files,
                    screenshot,
                    basemap,
                    started: Some(started),
                    crs,
                    db: db.filter(|d| !d.trim().is_empty()),
                },
            );
            if let Ok(mut s) = slot_in_app.lock() {
                *s = app.screenshot_result();
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))?;
    if want_shot {
        let result = slot
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .and_then(|r| r.lock().ok().and_then(|r| r.clone()));
        match result {
            Some(Ok(())) => Ok(ExitCode::SUCCESS),
            Some(Err(e)) => bail!("screenshot failed: {e}"),
            None => bail!("screenshot failed: the window closed before it was taken"),
        }
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

#[cfg(not(feature = "gui"))]
fn window(
    _data: (Option<PathBuf>, Option<String>),
    _files: (Vec<PathBuf>, Option<park_atlas::io::crs::WebCrs>),
    _screenshot: Option<PathBuf>,
    _basemap: BasemapChoice,
    _started: std::time::Instant,
) -> Result<ExitCode> {
    bail!(UsageError(
        "this build has no window (built without the `gui` feature); use list, validate or export"
            .into()
    ))
}
