//! The window's link to a team store (`--db`): worker threads own the connections, so a frame
//! never waits on the network. One connects (again, every 2 s, while the server is away), loads
//! the data and saves change sets; the other LISTENs for colleagues' saves and reads the parks
//! they changed. The window reads their events each frame.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use crate::changes::{Applied, ChangeSet};
use crate::io::dataset::Loaded;
use crate::model::{Atlas, Park, Taxonomy};
use crate::store::{Store, StoreError};

/// What the window asks the worker for.
pub enum Job {
    /// Save pending changes made on `base`.
    Save {
        /// The data the changes were made on.
        base: Box<Atlas>,
        /// The changes.
        set: ChangeSet,
    },
}

/// What the workers tell the window.
pub enum Event {
    /// Connected (again) and read the whole dataset, the role, whether it may edit, and the
    /// changes applied so far (the parks' history).
    Loaded(Box<Loaded>, String, bool, Vec<crate::changes::LogEntry>),
    /// The store cannot be used (not initialised, too new, bad data): why.
    Failed(String),
    /// The server asks for a password nobody gave.
    NeedsPassword,
    /// The server is away: why.
    Offline(String),
    /// A save's outcome.
    Saved(Box<Result<Applied, StoreError>>),
    /// Colleagues saved changes to these parks: their ids, and the parks as they are now
    /// (an id without a park was removed).
    Changed(Vec<String>, Vec<Park>),
}

/// The link, as the window holds it.
pub struct StoreLink {
    /// The address without a password (status line, journal).
    pub shown: String,
    jobs: Sender<Job>,
    events: Receiver<Event>,
    /// `None` until the first answer; then whether the server answers.
    pub online: Option<bool>,
    /// Why the store is away or unusable.
    pub reason: Option<String>,
    /// The database role.
    pub role: String,
    /// Whether the role may edit.
    pub can_edit: bool,
    /// A save is on its way.
    pub saving: Option<Vec<String>>,
    /// Save once the server is back.
    pub save_wanted: bool,
    /// Whether the data has been read once.
    pub loaded: bool,
    /// The selection saved from the last run, restored once the parks are read.
    pub selection: Option<crate::query::Selection>,
    /// The password being typed, while the server asks for one.
    pub asking_password: Option<String>,
    address: String,
}

impl StoreLink {
    /// Starts the workers for `address`; `wake` asks for a frame when an event arrives.
    pub fn start(
        address: &str,
        password: Option<String>,
        wake: impl Fn() + Send + Clone + 'static,
    ) -> StoreLink {
        let shown = crate::store::Address::parse(address)
            .map(|a| a.shown)
            .unwrap_or_else(|_| "postgresql://…".to_owned());
        let (jobs, jobs_in) = channel();
        let (events_out, events) = channel();
        let owned = address.to_owned();
        let _ = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || worker(&owned, password.as_deref(), &jobs_in, &events_out, wake));
        StoreLink {
            shown,
            jobs,
            events,
            online: None,
            reason: None,
            role: String::new(),
            can_edit: false,
            saving: None,
            save_wanted: false,
            loaded: false,
            selection: None,
            asking_password: None,
            address: address.to_owned(),
        }
    }

    /// The link again with a password the user typed (kept in memory only).
    pub fn with_password(
        &self,
        password: String,
        wake: impl Fn() + Send + Clone + 'static,
    ) -> StoreLink {
        let mut link = StoreLink::start(&self.address, Some(password), wake);
        link.selection = self.selection.clone();
        link
    }

    /// The events that arrived since the last call.
    pub fn poll(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Sends a save to the worker.
    pub fn save(&mut self, base: Atlas, set: ChangeSet) {
        self.saving = Some(set.changes.iter().map(|c| c.park().to_owned()).collect());
        self.save_wanted = false;
        let _ = self.jobs.send(Job::Save {
            base: Box::new(base),
            set,
        });
    }
}

/// The main worker: connect, load, serve saves, notice a lost server, connect again.
fn worker(
    address: &str,
    password: Option<&str>,
    jobs: &Receiver<Job>,
    events: &Sender<Event>,
    wake: impl Fn() + Send + Clone + 'static,
) {
    let send = |e: Event| {
        let ok = events.send(e).is_ok();
        wake();
        ok
    };
    let mut listener_started = false;
    loop {
        let mut store = match Store::connect_with(address, password) {
            Ok(s) => s,
            Err(StoreError::NeedsPassword { .. }) => {
                send(Event::NeedsPassword);
                return;
            }
            Err(e) => {
                let lost = e.is_connection_lost();
                let ok = if lost {
                    send(Event::Offline(e.to_string()))
                } else {
                    send(Event::Failed(e.to_string()))
                };
                if !ok {
                    return;
                }
                std::thread::sleep(Duration::from_secs(2));
                // A save asked for meanwhile waits for the server.
                while let Ok(Job::Save { .. }) = jobs.try_recv() {
                    if !send(Event::Saved(Box::new(Err(e_clone(&e))))) {
                        return;
                    }
                }
                continue;
            }
        };
        match store.load() {
            Ok(loaded) => {
                let taxonomy = loaded.atlas.taxonomy.clone();
                let history = store.history(10_000).unwrap_or_default();
                if !send(Event::Loaded(
                    Box::new(loaded),
                    store.role.clone(),
                    store.can_edit,
                    history,
                )) {
                    return;
                }
                if !listener_started {
                    listener_started = true;
                    let (address, events, wake) =
                        (address.to_owned(), events.clone(), wake.clone());
                    let password = password.map(str::to_owned);
                    let _ = std::thread::Builder::new()
                        .name("store-listen".into())
                        .spawn(move || {
                            listen(&address, password.as_deref(), &taxonomy, &events, wake)
                        });
                }
            }
            Err(e) => {
                let lost = e.is_connection_lost();
                if !send(if lost {
                    Event::Offline(e.to_string())
                } else {
                    Event::Failed(e.to_string())
                }) {
                    return;
                }
                std::thread::sleep(Duration::from_secs(2));
                continue;
            }
        }
        // Serve saves; every 2 s without one, check that the server still answers.
        loop {
            match jobs.recv_timeout(Duration::from_secs(2)) {
                Ok(Job::Save { base, set }) => {
                    let result = store.apply(*base, &set, "edit");
                    let lost = matches!(&result, Err(e) if e.is_connection_lost());
                    let reason = result.as_ref().err().map(ToString::to_string);
                    if !send(Event::Saved(Box::new(result))) {
                        return;
                    }
                    if lost {
                        send(Event::Offline(reason.unwrap_or_default()));
                        break;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if !store.is_alive() {
                        if !send(Event::Offline("the server stopped answering".into())) {
                            return;
                        }
                        break;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// A copy of a connection error for a save that could not be tried.
fn e_clone(e: &StoreError) -> StoreError {
    StoreError::Connect {
        address: String::new(),
        reason: e.to_string(),
    }
}

/// The listening worker: colleagues' saves (NOTIFY) → the parks as they are now.
fn listen(
    address: &str,
    password: Option<&str>,
    taxonomy: &Taxonomy,
    events: &Sender<Event>,
    wake: impl Fn(),
) {
    loop {
        let connected = Store::connect_with(address, password);
        let mut store = match connected.and_then(|mut s| s.listen().map(|()| s)) {
            Ok(s) => s,
            Err(_) => {
                std::thread::sleep(Duration::from_secs(2));
                continue;
            }
        };
        loop {
            match store.wait_for_changes(Duration::from_secs(1)) {
                Ok(ids) if ids.is_empty() => {}
                Ok(ids) => {
                    let ids: Vec<String> = ids.into_iter().filter(|i| !i.is_empty()).collect();
                    match store.parks(&ids, taxonomy) {
                        Ok(parks) => {
                            if events.send(Event::Changed(ids, parks)).is_err() {
                                return;
                            }
                            wake();
                        }
                        Err(e) if e.is_connection_lost() => break,
                        Err(_) => {}
                    }
                }
                Err(_) => break,
            }
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}
