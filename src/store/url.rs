//! A store's address: a libpq connection URL (`postgresql://user@host:port/db?sslmode=…`) or
//! key=value string, read into the driver's configuration with what the driver leaves to us:
//! `sslmode=verify-ca`/`verify-full` and `sslrootcert`, the password from `PGPASSWORD` or the
//! password file (`PGPASSFILE`, else `~/.pgpass`), a connection timeout by default, and a
//! form to show and save that never holds the password.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Config, Host};

/// How the connection is protected (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// No TLS.
    Disable,
    /// TLS when the server offers it, the certificate not checked (libpq's default).
    Prefer,
    /// TLS, the certificate not checked.
    Require,
    /// TLS, the certificate signed by a trusted authority (`sslrootcert`, else the system's).
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host.
    VerifyFull,
}

/// A parsed store address.
#[derive(Debug, Clone)]
pub struct Address {
    /// The driver's configuration (password included when one was found).
    pub config: Config,
    /// TLS mode.
    pub tls: TlsMode,
    /// `sslrootcert`: the authorities to trust for `verify-*`.
    pub root_cert: Option<PathBuf>,
    /// The address without its password, for titles, logs, errors and the saved window state.
    pub shown: String,
}

/// What is wrong with an address.
#[derive(Debug, thiserror::Error)]
#[error("not a PostgreSQL address ({0}); write it as postgresql://user@host:port/database")]
pub struct BadAddress(pub String);

/// The default time to wait for a server before saying it cannot be reached.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Address {
    /// Reads `text` (a URL or key=value pairs).
    pub fn parse(text: &str) -> Result<Address, BadAddress> {
        let mut tls = TlsMode::Prefer;
        let mut root_cert = None;
        let mut keep = |key: &str, value: &str| -> Result<bool, BadAddress> {
            match key {
                "sslmode" => {
                    tls = match value {
                        "disable" => TlsMode::Disable,
                        "allow" | "prefer" => TlsMode::Prefer,
                        "require" => TlsMode::Require,
                        "verify-ca" => TlsMode::VerifyCa,
                        "verify-full" => TlsMode::VerifyFull,
                        other => return Err(BadAddress(format!("unknown sslmode {other:?}"))),
                    };
                    Ok(false)
                }
                "sslrootcert" => {
                    root_cert = Some(PathBuf::from(percent_decode(value)));
                    Ok(false)
                }
                _ => Ok(true),
            }
        };
        let rest = if let Some((head, query)) = text
            .split_once('?')
            .filter(|_| text.starts_with("postgres://") || text.starts_with("postgresql://"))
        {
            let mut kept = Vec::new();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if keep(k, v)? {
                    kept.push(pair);
                }
            }
            if kept.is_empty() {
                head.to_owned()
            } else {
                format!("{head}?{}", kept.join("&"))
            }
        } else if text.contains("://") {
            text.to_owned()
        } else {
            let mut kept = Vec::new();
            for pair in text.split_whitespace() {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if keep(k.trim(), v.trim())? {
                    kept.push(pair);
                }
            }
            kept.join(" ")
        };
        let mut config = Config::from_str(&rest).map_err(|e| BadAddress(e.to_string()))?;
        // As libpq: no host is the local server's socket, no user the system user.
        if config.get_hosts().is_empty() {
            let socket = std::path::Path::new("/var/run/postgresql");
            if socket.is_dir() {
                config.host_path(socket);
            } else {
                config.host("localhost");
            }
        }
        if config.get_user().is_none() {
            let user = user_of(&config);
            config.user(&user);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.ssl_mode(match tls {
            TlsMode::Disable => postgres::config::SslMode::Disable,
            TlsMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        config.application_name("park-atlas");
        if config.get_password().is_none() {
            if let Some(p) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
                config.password(p.to_string_lossy().as_bytes());
            } else if let Some(p) = pgpass_lookup(&config) {
                config.password(p.as_bytes());
            }
        }
        let shown = shown(&config, tls, root_cert.as_ref());
        Ok(Address {
            config,
            tls,
            root_cert,
            shown,
        })
    }

    /// The user name the server is asked for (the system user when none is given).
    pub fn user(&self) -> String {
        user_of(&self.config)
    }
}

fn user_of(config: &Config) -> String {
    config
        .get_user()
        .map(str::to_owned)
        .or_else(|| std::env::var("PGUSER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "postgres".to_owned())
}

/// The address as a URL without a password.
fn shown(config: &Config, tls: TlsMode, root_cert: Option<&PathBuf>) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) if h.contains(':') => format!("[{h}]"),
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => percent_encode(&p.display().to_string()),
        None => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let user = config
        .get_user()
        .map(|u| format!("{}@", percent_encode(u)))
        .unwrap_or_default();
    let db = config
        .get_dbname()
        .map(|d| format!("/{}", percent_encode(d)))
        .unwrap_or_default();
    let mut query = Vec::new();
    match tls {
        TlsMode::Prefer => {}
        TlsMode::Disable => query.push("sslmode=disable".to_owned()),
        TlsMode::Require => query.push("sslmode=require".to_owned()),
        TlsMode::VerifyCa => query.push("sslmode=verify-ca".to_owned()),
        TlsMode::VerifyFull => query.push("sslmode=verify-full".to_owned()),
    }
    if let Some(c) = root_cert {
        query.push(format!(
            "sslrootcert={}",
            percent_encode(&c.display().to_string())
        ));
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    format!("postgresql://{user}{host}{port}{db}{query}")
}

/// The password for `config` in libpq's password file (`PGPASSFILE`, else `~/.pgpass`):
/// lines `host:port:database:user:password`, `*` matching anything, `\` escaping.
fn pgpass_lookup(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = user_of(config);
    let db = config
        .get_dbname()
        .map_or_else(|| user.clone(), str::to_owned);
    pgpass_find(&text, [&host, &port, &db, &user])
}

/// The password of the first line of a password file matching host, port, database and user.
pub(crate) fn pgpass_find(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let matches = fields[..4].iter().zip(want).all(|(f, w)| {
            f == "*" || f == w || (f == "localhost" && (w == "127.0.0.1" || w == "::1"))
        });
        if matches {
            return fields.pop();
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_address_has_no_password() {
        let a = Address::parse(
            "postgresql://alice:s3cret@db.office:5433/parks?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        )
        .unwrap();
        assert_eq!(
            a.shown,
            "postgresql://alice@db.office:5433/parks?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem"
        );
        assert_eq!(a.config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(a.tls, TlsMode::VerifyFull);
        assert_eq!(a.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(a.config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        let k =
            Address::parse("host=127.0.0.1 port=5999 user=bob password=x dbname=p sslmode=require")
                .unwrap();
        assert_eq!(k.shown, "postgresql://bob@127.0.0.1:5999/p?sslmode=require");
        assert!(Address::parse("postgresql://h/db?sslmode=sometimes").is_err());
    }

    #[test]
    fn password_file_lines_match_like_libpq() {
        let file = "# office\nother:5432:*:alice:no\ndb.office:*:parks:alice:a\\:b\\\\c\n*:*:*:*:fallback\n";
        assert_eq!(
            pgpass_find(file, ["db.office", "5433", "parks", "alice"]).as_deref(),
            Some("a:b\\c")
        );
        assert_eq!(
            pgpass_find(file, ["x", "1", "y", "z"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_find("h:1:d:u:p\n", ["h", "2", "d", "u"]), None);
    }
}
