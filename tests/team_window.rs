//! The window on a team store (kittest, real PostGIS from `DATABASE_URL`): it stays responsive
//! while the server goes away mid-session and saves when it is back; a colleague's change to
//! the park being edited is flagged at once and its save conflict resolved with "use mine".
//! The server "goes away" behind a TCP proxy on 127.0.0.1 that drops every connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pg;
use egui_kittest::Harness;
use park_atlas::app::ParkAtlasApp;
use park_atlas::command::Command;
use serde_json::json;

/// A TCP proxy to the test server that can be taken down (every connection dropped, new ones
/// refused) and brought back on the same port.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let conns: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (up2, conns2) = (up.clone(), conns.clone());
        std::thread::spawn(move || {
            loop {
                match listener.accept() {
                    Ok((client, _)) if up2.load(Ordering::SeqCst) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = TcpStream::connect(&target) else {
                            continue;
                        };
                        conns2.lock().unwrap().push(client.try_clone().unwrap());
                        conns2.lock().unwrap().push(server.try_clone().unwrap());
                        for (mut from, mut to) in [
                            (client.try_clone().unwrap(), server.try_clone().unwrap()),
                            (server, client),
                        ] {
                            std::thread::spawn(move || {
                                let mut buf = [0u8; 16384];
                                while let Ok(n) = from.read(&mut buf) {
                                    if n == 0 || to.write_all(&buf[..n]).is_err() {
                                        break;
                                    }
                                }
                                let _ = to.shutdown(Shutdown::Both);
                            });
                        }
                    }
                    // Down: a new connection is closed at once.
                    Ok((client, _)) => drop(client),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Proxy { port, up, conns }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }

    fn back(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// The server's host:port from its URL.
fn host_port(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap();
    let rest = rest.rsplit('@').next().unwrap();
    rest.split('/').next().unwrap().to_owned()
}

fn through(url: &str, proxy: &Proxy) -> String {
    url.replacen(&host_port(url), &format!("127.0.0.1:{}", proxy.port), 1)
}

fn window(url: &str) -> Harness<'static, ParkAtlasApp> {
    let mut atlas = park_atlas::io::load_embedded().unwrap().atlas;
    atlas.parks.clear();
    let mut h = common::harness_with(atlas, common::english());
    let ctx = h.ctx.clone();
    h.state_mut().connect_store(url, &ctx);
    h
}

/// Runs frames (each must come back at once: a frame never waits on the network) until
/// `done`, at most `limit`.
fn frames_until(
    h: &mut Harness<'static, ParkAtlasApp>,
    limit: Duration,
    what: &str,
    done: impl Fn(&ParkAtlasApp) -> bool,
) {
    let started = Instant::now();
    while !done(h.state()) {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        let frame = Instant::now();
        h.step();
        assert!(
            frame.elapsed() < Duration::from_secs(2),
            "a frame took {:?}: the window waited on the network",
            frame.elapsed()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn note_change(h: &Harness<'static, ParkAtlasApp>, park: &str, to: &str) -> Command {
    let atlas = &h.state().atlas;
    let from = atlas.parks[atlas.park_index(park).unwrap()]
        .text("notes")
        .map(str::to_owned);
    Command::Edit(
        serde_json::from_value(json!({"op": "set", "park": park, "field": "notes",
            "from": from, "to": to, "source": "achie_2021"}))
        .unwrap(),
    )
}

#[test]
fn the_window_keeps_working_while_the_server_is_away_and_saves_when_it_is_back() {
    let Some(url) = pg::zhanjiang_db("window_offline") else {
        return;
    };
    let proxy = Proxy::start(host_port(&url));
    let mut h = window(&through(&url, &proxy));
    frames_until(&mut h, Duration::from_secs(20), "the store's data", |a| {
        a.atlas.parks.len() == 22
    });
    h.state_mut().push(Command::ToggleEditing);
    h.step();
    let change = note_change(&h, "suixi_eco_park", "edited while the server was away");
    h.state_mut().push(change);
    h.step();
    assert!(h.state().edit.is_dirty());

    proxy.down();
    frames_until(&mut h, Duration::from_secs(20), "offline", |a| {
        a.store.as_ref().is_some_and(|l| l.online == Some(false))
    });
    let status = h
        .state()
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(status.starts_with("Offline"), "{status}");
    // Still working on what it has: selecting, saving is deferred.
    h.state_mut().push(Command::SaveEdits);
    h.step();
    assert!(h.state().edit.is_dirty());
    assert!(h.state().store.as_ref().unwrap().save_wanted);
    assert_eq!(h.state().atlas.parks.len(), 22);

    proxy.back();
    frames_until(&mut h, Duration::from_secs(30), "the save once back", |a| {
        !a.edit.is_dirty()
    });
    let saved: Option<String> = pg::client(&url)
        .query_one("SELECT notes FROM parks WHERE id = 'suixi_eco_park'", &[])
        .unwrap()
        .get(0);
    assert_eq!(saved.as_deref(), Some("edited while the server was away"));
    // The park's history in the details panel has it.
    assert!(
        h.state()
            .edit
            .history
            .iter()
            .any(|e| e.park == "suixi_eco_park"
                && e.field == "notes"
                && e.to == json!("edited while the server was away"))
    );
}

#[test]
fn a_colleagues_change_is_flagged_at_once_and_use_mine_saves_over_it() {
    let Some(url) = pg::zhanjiang_db("window_conflict") else {
        return;
    };
    let mut h = window(&url);
    frames_until(&mut h, Duration::from_secs(20), "the store's data", |a| {
        a.atlas.parks.len() == 22
    });
    h.state_mut().push(Command::ToggleEditing);
    h.step();
    h.state_mut().state.selection.select_only("suixi_eco_park");
    let change = note_change(&h, "lianjiang_htz", "mine");
    h.state_mut().push(change);
    h.step();
    // A colleague (as QGIS would) changes the same value.
    pg::client(&url)
        .execute(
            "UPDATE parks SET notes = 'theirs' WHERE id = 'lianjiang_htz'",
            &[],
        )
        .unwrap();
    frames_until(&mut h, Duration::from_secs(10), "the flag", |a| {
        a.status.as_ref().is_some_and(|s| {
            s.text.contains("Changed by a colleague") && s.text.contains("lianjiang_htz")
        })
    });
    // The viewer's selection and pending edit stayed.
    assert_eq!(h.state().state.selection.parks(&h.state().atlas).len(), 1);
    assert!(h.state().edit.is_dirty());
    h.state_mut().push(Command::SaveEdits);
    frames_until(&mut h, Duration::from_secs(10), "the conflict", |a| {
        !a.edit.conflicts.is_empty()
    });
    assert_eq!(h.state().edit.conflicts[0].found, json!("theirs"));
    h.run();
    // The dialog shows the three values; "Use mine" takes mine over theirs.
    use egui_kittest::kittest::Queryable;
    h.get_by_label("theirs");
    h.get_by_label("mine");
    h.get_by_label("Use mine").click();
    h.run();
    assert!(h.state().edit.conflicts.is_empty());
    h.state_mut().push(Command::SaveEdits);
    frames_until(&mut h, Duration::from_secs(10), "the save", |a| {
        !a.edit.is_dirty()
    });
    let notes: Option<String> = pg::client(&url)
        .query_one("SELECT notes FROM parks WHERE id = 'lianjiang_htz'", &[])
        .unwrap()
        .get(0);
    assert_eq!(notes.as_deref(), Some("mine"));

    // Again, and this time "Edit…": my change is dropped, my value waits in the form.
    let change = note_change(&h, "lianjiang_htz", "mine again");
    h.state_mut().push(change);
    h.step();
    pg::client(&url)
        .execute(
            "UPDATE parks SET notes = 'theirs again' WHERE id = 'lianjiang_htz'",
            &[],
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    h.state_mut().push(Command::SaveEdits);
    frames_until(
        &mut h,
        Duration::from_secs(10),
        "the second conflict",
        |a| !a.edit.conflicts.is_empty(),
    );
    h.run();
    h.get_by_label("Edit…").click();
    h.run();
    let app = h.state();
    assert!(app.edit.conflicts.is_empty() && !app.edit.is_dirty());
    assert_eq!(app.edit.form.value, "mine again");
    assert_eq!(app.state.selection.parks(&app.atlas).len(), 1);
    let park = &app.atlas.parks[app.atlas.park_index("lianjiang_htz").unwrap()];
    assert_eq!(park.text("notes"), Some("theirs again"));
}

#[test]
fn the_window_asks_for_a_password_and_connects_with_it() {
    let Some(url) = pg::zhanjiang_db("window_password") else {
        return;
    };
    // The test server asks this role for a password (scripts/pg-test-server.sh).
    pg::client(&url)
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE pa_password_user LOGIN PASSWORD 'pw-in-file' IN ROLE park_atlas_reader; \
             EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        )
        .unwrap();
    if std::env::var_os("PGPASSWORD").is_some() || std::env::var_os("PGPASSFILE").is_some() {
        eprintln!("skipped: a password is given by the environment");
        return;
    }
    let as_user = url.replacen("postgres@", "pa_password_user@", 1);
    let mut h = window(&as_user);
    frames_until(
        &mut h,
        Duration::from_secs(20),
        "the password question",
        |a| {
            a.store
                .as_ref()
                .is_some_and(|l| l.asking_password.is_some())
        },
    );
    h.run();
    use egui_kittest::kittest::Queryable;
    h.get_by_role(egui::accesskit::Role::PasswordInput).click();
    h.run();
    h.get_by_role(egui::accesskit::Role::PasswordInput)
        .type_text("pw-in-file");
    h.run();
    assert_eq!(
        h.state().store.as_ref().unwrap().asking_password.as_deref(),
        Some("pw-in-file")
    );
    h.get_by_label("Connect").click();
    h.run();
    frames_until(&mut h, Duration::from_secs(20), "the store's data", |a| {
        a.atlas.parks.len() == 22
    });
    let link = h.state().store.as_ref().unwrap();
    assert!(!link.can_edit, "a reader");
    // Nothing of the password in what the window saves.
    let saved = serde_json::to_string(&h.state().state).unwrap();
    assert!(!saved.contains("pw-in-file"));
}
