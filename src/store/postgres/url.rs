//! A PostgreSQL URL as `--db` and `$EVENTS_DB` give it: `postgres://` or `postgresql://`,
//! read the way `psql` reads one, with what the client crate does not know taken out first
//! (`sslmode=verify-ca|verify-full`, `sslrootcert`), the password from `$PGPASSWORD` when the
//! URL has none, and the schema `events` keeps its tables in. Shown to a person only with its
//! password hidden ([`PgUrl`]'s `Display`).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The schema `events` keeps its tables in when the URL names none.
pub const DEFAULT_SCHEMA: &str = "events";

/// Whether `text` is a PostgreSQL URL rather than a file's path.
pub fn is_postgres_url(text: &str) -> bool {
    let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Whether `text`, which is no PostgreSQL URL, was surely meant as a connection rather than a
/// file's path: another scheme or a mistyped one (`postgres:/`, `postgress://`, `pg://`), or
/// libpq's `host=... dbname=...` form. Taken for a path, it would be created as directories
/// named after its password.
pub fn looks_like_a_connection(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("postgres:")
        || lower.starts_with("postgresql:")
        || lower.split_whitespace().any(|word| {
            [
                "host=",
                "hostaddr=",
                "dbname=",
                "user=",
                "password=",
                "port=",
            ]
            .iter()
            .any(|key| word.starts_with(key))
        })
}

/// `text`, meant as a connection but not read as one, with what may be its password hidden:
/// whatever stands between the first `:` after the scheme and the last `@`, and every
/// `password=` value.
pub fn redact_loosely(text: &str) -> String {
    let after_scheme = text.find(':').map_or(0, |i| i + 1);
    let mut shown = match text.rfind('@') {
        Some(at) if at > after_scheme => {
            let userinfo = &text[after_scheme..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &text[..after_scheme],
                    &userinfo[..colon],
                    &text[at..]
                ),
                None => text.to_string(),
            }
        }
        _ => text.to_string(),
    };
    while let Some(start) = shown.to_ascii_lowercase().find("password=") {
        let value = start + "password=".len();
        if shown[value..].starts_with("***") {
            break;
        }
        let end = shown[value..]
            .find(|c: char| c == '&' || c.is_whitespace())
            .map_or(shown.len(), |i| value + i);
        shown.replace_range(value..end, "***");
    }
    shown
}

/// How the connection is encrypted and what of the server's certificate is checked, as
/// libpq's `sslmode` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never encrypted.
    Disable,
    /// Encrypted when the server offers it; the certificate is not checked (libpq's default).
    Prefer,
    /// Always encrypted; the certificate is not checked.
    Require,
    /// Always encrypted, with a certificate signed by the CA (`sslrootcert`).
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host connected to.
    VerifyFull,
}

/// A PostgreSQL URL, parsed. Its `Display` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    /// As given but for the password, for messages.
    shown: String,
    /// The URL without the parameters handled here, for the client crate.
    client: String,
    pub ssl_mode: SslMode,
    /// The CA certificates (PEM) to verify the server's certificate against.
    pub root_cert: Option<PathBuf>,
    /// The schema that holds the tables: the first of the URL's `search_path`, else
    /// [`DEFAULT_SCHEMA`].
    pub schema: String,
}

/// What is wrong with a URL (never the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadUrl(pub String);

impl fmt::Display for BadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadUrl {}

impl PgUrl {
    /// Parses `raw`, which [`is_postgres_url`].
    pub fn parse(raw: &str) -> Result<PgUrl, BadUrl> {
        let shown = redact(raw);
        // The credentials first, up to the first `@` as the client crate reads them (a
        // password may hold `/` or `?`), then the query after the first `?`.
        let (head, rest) = split_credentials(raw);
        let (base, query) = match rest.split_once('?') {
            Some((base, query)) => (base, query),
            None => (rest, ""),
        };
        let mut ssl_mode = SslMode::Prefer;
        let mut root_cert = None;
        let mut kept: Vec<&str> = Vec::new();
        let mut options = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value).ok_or_else(|| {
                BadUrl(format!(
                    "the URL's {key} is not valid percent-encoded UTF-8"
                ))
            })?;
            match percent_decode(key).as_deref() {
                Some("sslmode") => {
                    ssl_mode = match value.as_str() {
                        "disable" => SslMode::Disable,
                        "allow" | "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        other => {
                            return Err(BadUrl(format!(
                                "sslmode {other:?} is none of disable, allow, prefer, require, verify-ca, verify-full"
                            )));
                        }
                    }
                }
                Some("sslrootcert") => root_cert = Some(PathBuf::from(value)),
                Some("options") => {
                    options = Some(value);
                    kept.push(pair);
                }
                _ => kept.push(pair),
            }
        }
        // The client crate knows the scheme in lower case only.
        let mut client = format!("{}{base}", lower_scheme(head));
        if !kept.is_empty() {
            client.push('?');
            client.push_str(&kept.join("&"));
        }
        // As libpq: `require` with a CA certificate verifies the server's against it.
        if ssl_mode == SslMode::Require && root_cert.is_some() {
            ssl_mode = SslMode::VerifyCa;
        }
        let schema = options
            .as_deref()
            .and_then(search_path)
            .unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        let url = PgUrl {
            shown,
            client,
            ssl_mode,
            root_cert,
            schema,
        };
        // The client crate's own checks, once, here: a URL it cannot read is the user's to
        // mend before anything is attempted.
        url.config()?;
        Ok(url)
    }

    /// The client crate's configuration: the password from `$PGPASSWORD` when the URL has
    /// none.
    pub fn config(&self) -> Result<postgres::Config, BadUrl> {
        let mut config = postgres::Config::from_str(&self.client).map_err(|e| {
            // The crate's words name the option, never its value.
            BadUrl(format!("{} is not a valid PostgreSQL URL: {e}", self.shown))
        })?;
        if config.get_password().is_none()
            && let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty())
        {
            config.password(password.as_encoded_bytes());
        }
        if config.get_application_name().is_none() {
            config.application_name("events");
        }
        Ok(config)
    }

    /// Why `backup` makes no copy here, with what does: `pg_dump` of this schema (as its
    /// `--schema` pattern reads a name: quoted unless all lower case) from this server and
    /// database (a URL without the password, which pg_dump finds as psql does).
    pub fn no_backup(&self) -> crate::store::StoreError {
        let plain = self
            .schema
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && self
                .schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let schema = match plain {
            true => self.schema.clone(),
            false => format!("\"{}\"", self.schema.replace('"', "\"\"")),
        };
        // A host with an `@` in it is the rest of a password with a raw `@`: not shown.
        let database = match self.config() {
            Ok(config)
                if !config.get_hosts().iter().any(
                    |host| matches!(host, postgres::config::Host::Tcp(name) if name.contains('@')),
                ) =>
            {
                dump_target(&config)
            }
            _ => "DATABASE".to_string(),
        };
        crate::store::StoreError::NoBackupHere {
            location: self.to_string(),
            schema,
            database,
        }
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgUrl")
            .field("url", &self.shown)
            .field("ssl_mode", &self.ssl_mode)
            .field("root_cert", &self.root_cert)
            .field("schema", &self.schema)
            .finish()
    }
}

/// The connection `pg_dump` is given to copy what `config` connects to: a URL with the user,
/// hosts, ports and database, without the password.
fn dump_target(config: &postgres::Config) -> String {
    let mut url = String::from("postgres://");
    if let Some(user) = config.get_user() {
        url.push_str(&encode(user));
        url.push('@');
    }
    let mut sockets = Vec::new();
    let mut hosts = Vec::new();
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = config.get_ports().get(i).or(config.get_ports().first());
        match host {
            postgres::config::Host::Tcp(name) => hosts.push(match port {
                Some(port) => format!("{}:{port}", encode(name)),
                None => encode(name),
            }),
            postgres::config::Host::Unix(dir) => sockets.push(dir.display().to_string()),
        }
    }
    url.push_str(&hosts.join(","));
    url.push('/');
    url.push_str(&encode(config.get_dbname().unwrap_or("")));
    if let Some(dir) = sockets.first() {
        url.push_str("?host=");
        url.push_str(&encode(dir));
        if let Some(port) = config.get_ports().first() {
            url.push_str(&format!("&port={port}"));
        }
    }
    url
}

/// `text` percent-encoded where a URL's part may not hold it as it is.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `head` (the URL's start, through its credentials) with its scheme in lower case.
fn lower_scheme(head: &str) -> String {
    match head.find("://") {
        Some(i) => format!("{}{}", head[..i].to_ascii_lowercase(), &head[i..]),
        None => head.to_string(),
    }
}

/// `raw` split after its credentials (`scheme://user:password@`, through the first `@`, as the
/// client crate reads them; just `scheme://` when there are none) and the rest.
fn split_credentials(raw: &str) -> (&str, &str) {
    let Some(scheme_end) = raw.find("://").map(|i| i + 3) else {
        return ("", raw);
    };
    match raw[scheme_end..].find('@') {
        Some(at) => raw.split_at(scheme_end + at + 1),
        None => raw.split_at(scheme_end),
    }
}

/// `raw` with the password (`user:PASSWORD@`, `password=PASSWORD`) shown as `***`. A password
/// with a raw `@` in it (not `%40`) is hidden up to the last `@` before the host: the client
/// crate reads it only up to the first, and the URL fails, but what follows is the password
/// too.
pub fn redact(raw: &str) -> String {
    let (mut head, mut rest) = split_credentials(raw);
    if head.ends_with('@') {
        // A raw `@` in the password: what stands before the query may hold more of them; the
        // last one ends what is hidden.
        let before_query = rest.split_once('?').map_or(rest, |(before, _)| before);
        if let Some(at) = before_query.rfind('@') {
            let cut = head.len() + at + 1;
            (head, rest) = raw.split_at(cut);
        }
    }
    let mut shown = match head.find("://") {
        Some(i) if head.ends_with('@') => {
            let (scheme, credentials) = head.split_at(i + 3);
            match credentials.split_once(':') {
                Some((user, _)) => format!("{scheme}{user}:***@"),
                None => head.to_string(),
            }
        }
        _ => head.to_string(),
    };
    match rest.split_once('?') {
        Some((path, query)) => {
            shown.push_str(path);
            shown.push('?');
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _))
                        if percent_decode(key)
                            .is_some_and(|key| key.eq_ignore_ascii_case("password")) =>
                    {
                        format!("{key}=***")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            shown.push_str(&pairs.join("&"));
        }
        None => shown.push_str(rest),
    }
    shown
}

/// The words of libpq's `options`, as the server splits them: at whitespace, but for a
/// character escaped with a backslash (`-c search_path="Team\ A"`).
fn option_words(options: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = options.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The first schema of a `search_path` set in libpq's `options` (`-c search_path=a,b`,
/// `-csearch_path=a`, `--search_path=a`), unquoted.
fn search_path(options: &str) -> Option<String> {
    let words = option_words(options);
    let mut words = words.iter().map(String::as_str);
    while let Some(word) = words.next() {
        let setting = if word == "-c" {
            words.next()?
        } else if let Some(s) = word.strip_prefix("-c") {
            s
        } else if let Some(s) = word.strip_prefix("--") {
            s
        } else {
            continue;
        };
        let Some((name, value)) = setting.split_once('=') else {
            continue;
        };
        if name.replace('-', "_") != "search_path" {
            continue;
        }
        // The first schema named, as the server reads it: quoted as it is, else folded to
        // lower case in ASCII only; `$user` (the role's own schema, rarely there) skipped.
        return value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty() && *name != "$user" && *name != "\"$user\"")
            .map(|name| {
                name.strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .map(|s| s.replace("\"\"", "\""))
                    .unwrap_or_else(|| name.to_ascii_lowercase())
            })
            .next();
    }
    None
}

/// `%XX`-decoded text, if it is UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_postgres_url("postgres://h/db"));
        assert!(is_postgres_url("PostgreSQL://h/db"));
        assert!(!is_postgres_url("postgres.db"));
        assert!(!is_postgres_url("./postgres://x"));
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redact("postgres://ann:s3cr%40t@db.example:5432/events?sslmode=require"),
            "postgres://ann:***@db.example:5432/events?sslmode=require"
        );
        assert_eq!(
            redact("postgresql://ann@h/db?password=hunter2&x=1"),
            "postgresql://ann@h/db?password=***&x=1"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        // The credentials end at the first `@`, as the client crate reads them: a password
        // with `/` or `?` in it is hidden whole.
        assert_eq!(
            redact("postgres://u:se/cr?et@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact("postgres://u:a@b@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact("postgres://u:a/b?c@d#e%2Ff@h/db?x=y@z"),
            "postgres://u:***@h/db?x=y@z"
        );
        let url = PgUrl::parse("postgres://ann:se/cr?et@h/db?sslmode=require").unwrap();
        assert_eq!(url.to_string(), "postgres://ann:***@h/db?sslmode=require");
        assert_eq!(url.ssl_mode, SslMode::Require);
        assert_eq!(url.config().unwrap().get_password(), Some(&b"se/cr?et"[..]));
        let url = PgUrl::parse("postgres://ann:pw@h/db").unwrap();
        assert_eq!(url.to_string(), "postgres://ann:***@h/db");
        assert!(!format!("{url:?}").contains("pw@"));
    }

    #[test]
    fn mistyped_urls_are_told_from_paths_and_hidden() {
        for text in [
            "postgres:/ann:Sekr1t@h:5433/db",
            "postgress://ann:Sekr1t@h/db",
            "pg://ann:Sekr1t@h/db",
            "host=h dbname=db password=Sekr1t",
        ] {
            assert!(looks_like_a_connection(text), "{text}");
            assert!(!redact_loosely(text).contains("Sekr1t"), "{text}");
        }
        assert_eq!(
            redact_loosely("postgres:/ann:Sekr1t@h:5433/db"),
            "postgres:/ann:***@h:5433/db"
        );
        for path in [
            "events.db",
            "./postgres/events.db",
            "/home/ann/user.db",
            "a=b.db",
        ] {
            assert!(!looks_like_a_connection(path), "{path}");
        }
        assert_eq!(
            redact("postgres://h/db?PASSWORD=zz&x=1"),
            "postgres://h/db?PASSWORD=***&x=1"
        );
        let url = PgUrl::parse("POSTGRES://ann@h/db").unwrap();
        assert_eq!(url.config().unwrap().get_user(), Some("ann"));
    }

    #[test]
    fn backup_names_what_pg_dump_copies() {
        let url = PgUrl::parse(
            "postgres://ann:pw@db.example:5433/records?options=-csearch_path%3D%22TeamX%22",
        )
        .unwrap();
        let crate::store::StoreError::NoBackupHere {
            schema, database, ..
        } = url.no_backup()
        else {
            panic!("no backup error")
        };
        assert_eq!(schema, "\"TeamX\"");
        assert_eq!(database, "postgres://ann@db.example:5433/records");
    }

    #[test]
    fn ssl_modes_and_schema() {
        let url = PgUrl::parse(
            "postgres://h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem&options=-c%20search_path%3DTeam%2Cpublic",
        )
        .unwrap();
        assert_eq!(url.ssl_mode, SslMode::VerifyFull);
        assert_eq!(url.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(url.schema, "team");
        assert_eq!(
            url.client,
            "postgres://h/db?options=-c%20search_path%3DTeam%2Cpublic"
        );
        let url = PgUrl::parse("postgres://h/db?options=-csearch_path%3D%22MySchema%22").unwrap();
        assert_eq!(url.schema, "MySchema");
        // A space in a name is escaped with a backslash, as libpq's options say.
        let url =
            PgUrl::parse("postgres://h/db?options=-c%20search_path%3D%22Team%5C%20A%22%2Cpublic")
                .unwrap();
        assert_eq!(url.schema, "Team A");
        assert_eq!(PgUrl::parse("postgres://h/db").unwrap().schema, "events");
        let url =
            PgUrl::parse("postgres://h/db?options=-csearch_path%3D%24user%2C%C3%89quipe").unwrap();
        assert_eq!(url.schema, "Équipe", "the server folds ASCII only");
        let url = PgUrl::parse("postgres://h/db?sslmode=require&sslrootcert=/ca.pem").unwrap();
        assert_eq!(
            url.ssl_mode,
            SslMode::VerifyCa,
            "as libpq, require with a CA verifies"
        );
        let err = PgUrl::parse("postgres://u:pw@h/db?sslmode=sometimes").unwrap_err();
        assert!(
            err.0.contains("sometimes") && !err.0.contains("pw"),
            "{err}"
        );
        let err = PgUrl::parse("postgres://u:pw@h:notaport/db").unwrap_err();
        assert!(!err.0.contains(":pw@"), "{err}");
    }
}
