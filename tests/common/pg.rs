//! The PostgreSQL + PostGIS server the team-store tests use: its address comes from
//! `DATABASE_URL` (`.ci/run` starts a throwaway server with `scripts/pg-test-server.sh`).
//! Without it the tests are skipped — except in CI (`CI=true`), where that fails them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

/// The server's address, or `None` (test skipped) when there is none outside CI.
pub fn server() -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but DATABASE_URL is not set: the team-store tests need the PostgreSQL \
                 server .ci/run starts (scripts/pg-test-server.sh)"
            );
            eprintln!("skipped: DATABASE_URL is not set (scripts/pg-test-server.sh start)");
            None
        }
    }
}

/// `url` with another database name.
pub fn with_db(url: &str, db: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (url, String::new()),
    };
    let base = match head.find("://").map(|i| i + 3) {
        Some(start) => match head[start..].find('/') {
            Some(slash) => &head[..start + slash],
            None => head,
        },
        None => head,
    };
    format!("{base}/{db}{query}")
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new, empty database on the test server (no schema); its address.
pub fn fresh_db(hint: &str) -> Option<String> {
    let server = server()?;
    let name = format!(
        "pa_{hint}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut c = postgres::Client::connect(&server, postgres::NoTls).expect("test server");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(with_db(&server, &name))
}

/// A new database with the schema and the embedded Zhanjiang data pushed into it.
pub fn zhanjiang_db(hint: &str) -> Option<String> {
    let url = fresh_db(hint)?;
    let mut store = park_atlas::store::Store::connect_only(&url).unwrap();
    store.init().unwrap();
    let mut store = park_atlas::store::Store::connect(&url).unwrap();
    store
        .push(&park_atlas::io::DatasetFiles::embedded())
        .unwrap();
    Some(url)
}

/// A plain client for SQL a test runs itself (as psql or QGIS would).
pub fn client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}
