//! Connecting to the server, finding (or making) the schema that holds the tables, refusing
//! one that holds another program's objects, and migrating under a lock.

use postgres::{Client, GenericClient, IsolationLevel, Transaction};

use super::schema::{MIGRATIONS, OURS};
use super::url::PgUrl;
use super::{PgStore, tls};

use crate::store::error::{Context, Failure, Result, StoreError};

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another's lock before giving up, as on SQLite.
const LOCK_TIMEOUT: &str = "30s";

/// What is found where the tables belong.
pub(super) enum Found {
    /// Our schema, at this version.
    Ours(i64),
    /// Nothing of ours (the schema may not exist).
    Nothing,
}

/// Connects as the URL says, with the session's search path set to our schema.
pub(super) fn connect(url: &PgUrl) -> Result<Client> {
    let mut config = url.config().map_err(|e| StoreError::Database {
        failure: Failure::Connect,
        message: e.to_string(),
        inner: None,
    })?;
    config.ssl_mode(match url.ssl_mode {
        super::url::SslMode::Disable => postgres::config::SslMode::Disable,
        super::url::SslMode::Prefer => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    });
    // The CA file unreadable or empty: its message names the file; the advice about the
    // host and a running server would send the user the wrong way.
    let connector = tls::connector(url.ssl_mode, url.root_cert.as_deref()).map_err(|e| {
        StoreError::Database {
            failure: Failure::Other,
            message: e.to_string(),
            inner: None,
        }
    })?;
    let mut client = config
        .connect(connector)
        .map_err(|e| {
            // Whatever the client says went wrong while connecting (refused, unknown host,
            // TLS), the connection is what failed; the server's own answers (no such
            // database, a wrong password) keep their SQLSTATE's meaning.
            let mut error = StoreError::from(e);
            if let StoreError::Database { failure, .. } = &mut error
                && *failure == Failure::Other
            {
                *failure = Failure::Connect;
            }
            error
        })
        .with_context(|| format!("cannot connect to {url}"))?;
    client
        .execute(
            "SELECT set_config('search_path', quote_ident($1), false),
                    set_config('lock_timeout', $2, false)",
            &[&url.schema, &LOCK_TIMEOUT],
        )
        .with_context(|| format!("cannot set up the connection to {url}"))?;
    Ok(client)
}

/// The advisory lock every writer of the schema takes for its transaction (as SQLite's
/// `BEGIN IMMEDIATE`): one writer at a time per schema, readers never wait.
pub(super) fn lock_key(schema: &str) -> i64 {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in b"events:".iter().chain(schema.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

/// Takes the write lock of the schema for the transaction.
pub(super) fn lock(tx: &mut Transaction<'_>, schema: &str) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key(schema)])?;
    Ok(())
}

/// What is where the tables belong: ours (at a version), nothing, or another program's
/// objects (an error naming them).
pub(super) fn inspect(client: &mut impl GenericClient, url: &PgUrl) -> Result<Found> {
    let row = client.query_one(
        "SELECT n.oid IS NOT NULL,
                to_regclass(quote_ident($1) || '.events_schema') IS NOT NULL
           FROM (SELECT 1) one
           LEFT JOIN pg_namespace n ON n.nspname = $1",
        &[&url.schema],
    )?;
    let (schema_exists, marked): (bool, bool) = (row.get(0), row.get(1));
    if !schema_exists {
        return Ok(Found::Nothing);
    }
    if marked {
        // Read as JSON, whatever its columns: a table of this name that another program
        // made (other columns, other types, several rows) is not ours, and says so.
        let rows = client
            .query("SELECT to_jsonb(s)::text FROM events_schema s LIMIT 2", &[])
            .with_context(|| format!("cannot read the schema version of {url}"))?;
        if let [row] = rows.as_slice() {
            let mark: Option<serde_json::Value> = row
                .try_get::<_, Option<String>>(0)
                .ok()
                .flatten()
                .and_then(|text| serde_json::from_str(&text).ok());
            if let Some(mark) = mark
                && mark["application"] == "events"
                && let Some(version) = mark["version"].as_i64()
            {
                return Ok(Found::Ours(version));
            }
        }
    }
    let ours: Vec<&str> = OURS.to_vec();
    let objects: Vec<String> = client
        .query(
            "SELECT kind || ' ' || quote_ident(name) FROM (
                 SELECT CASE c.relkind WHEN 'v' THEN 'a view' WHEN 'S' THEN 'a sequence'
                                       WHEN 'i' THEN 'an index' ELSE 'a table' END AS kind,
                        c.relname AS name
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = $1 AND c.relname = ANY($2)
                 UNION ALL
                 SELECT 'a function', p.proname
                   FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = $1 AND p.proname = ANY($2)
                 UNION ALL
                 SELECT 'a type', t.typname
                   FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspname = $1 AND t.typname = ANY($2) AND t.typrelid = 0
             ) found ORDER BY name, kind",
            &[&url.schema, &ours],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if objects.is_empty() {
        return Ok(Found::Nothing);
    }
    Err(StoreError::ForeignObjects {
        location: url.to_string(),
        schema: url.schema.clone(),
        objects,
    })
}

/// Brings the schema up to date, creating it if need be, in one transaction under the
/// write lock: concurrent first writers create it once. Refuses a newer schema and another
/// program's objects, touching nothing. Returns what a person should hear of: an upgrade of
/// an older schema.
pub(super) fn migrate(client: &mut Client, url: &PgUrl) -> Result<Option<String>> {
    // Most opens find the schema current: no lock, no transaction to write.
    if let Found::Ours(version) = inspect(client, url)?
        && version == SCHEMA_VERSION
    {
        return Ok(None);
    }
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::ReadCommitted)
        .start()?;
    lock(&mut tx, &url.schema)?;
    let found = upgrade(&mut tx, url)?;
    tx.commit()?;
    Ok((found > 0 && found < SCHEMA_VERSION)
        .then(|| format!("Upgraded {url} from schema version {found} to {SCHEMA_VERSION}")))
}

/// In a transaction holding the write lock: brings the schema up to date, creating it if
/// need be. Returns the version it found: 0 when it created the tables (they are then this
/// transaction's alone until it commits: no other session sees them, or waits for them).
pub(super) fn upgrade(tx: &mut Transaction<'_>, url: &PgUrl) -> Result<i64> {
    let version = match inspect(tx, url)? {
        Found::Ours(version) => version,
        Found::Nothing => 0,
    };
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            location: url.to_string(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == SCHEMA_VERSION {
        return Ok(version);
    }
    if version == 0 {
        // The name as the server quotes it: an identifier cannot be a bound parameter. Made
        // only when it is not there: even `IF NOT EXISTS` needs the right to create schemas
        // in the database, which the owner of a schema an administrator made need not have.
        let row = tx.query_one(
            "SELECT quote_ident($1), EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)",
            &[&url.schema],
        )?;
        let (quoted, exists): (String, bool) = (row.get(0), row.get(1));
        if !exists {
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))
                .map_err(StoreError::from)
                .with_context(|| format!("cannot create schema {:?} in {url}", url.schema))?;
        }
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(migration)
            .map_err(StoreError::from)
            .with_context(|| format!("migrating {url} to schema version {}", i + 1))?;
    }
    if version < 4 {
        // The summaries, made by migration 4, are counted once, here.
        super::summary::recount_all(tx)?;
    }
    tx.execute(
        "INSERT INTO events_schema (one, application, version) VALUES (true, 'events', $1)
         ON CONFLICT (one) DO UPDATE SET version = excluded.version",
        &[&SCHEMA_VERSION],
    )?;
    Ok(version)
}

impl PgStore {
    /// Connects for writing: the schema is created or brought up to date.
    pub(super) fn open(url: &PgUrl) -> Result<PgStore> {
        let mut client = connect(url)?;
        let notice = migrate(&mut client, url)?;
        let mut store = PgStore::new(client, url);
        store.notice = notice;
        Ok(store)
    }

    /// Connects for an import: a schema that is not there yet is created by the import's own
    /// transaction ([`Store::begin_import`]), so that until it commits no one sees the tables
    /// (nor waits for them), and a failed import leaves none behind.
    pub(super) fn open_for_import(url: &PgUrl) -> Result<PgStore> {
        let mut client = connect(url)?;
        let absent = matches!(inspect(&mut client, url)?, Found::Nothing);
        let notice = match absent {
            true => None,
            false => migrate(&mut client, url)?,
        };
        let mut store = PgStore::new(client, url);
        store.create_on_import = absent;
        store.notice = notice;
        Ok(store)
    }

    /// Connects for reading: `None` when there is nothing of ours yet (it reads as empty). A
    /// schema of an older version is brought up to date if the user may.
    pub(super) fn open_for_reading(url: &PgUrl) -> Result<Option<PgStore>> {
        let mut client = connect(url)?;
        match inspect(&mut client, url)? {
            Found::Nothing => Ok(None),
            Found::Ours(version) if version > SCHEMA_VERSION => Err(StoreError::NewerSchema {
                location: url.to_string(),
                found: version,
                supported: SCHEMA_VERSION,
            }),
            Found::Ours(version) if version < SCHEMA_VERSION => match migrate(&mut client, url) {
                Ok(notice) => {
                    let mut store = PgStore::new(client, url);
                    store.notice = notice;
                    Ok(Some(store))
                }
                Err(e) if e.failure() == Some(Failure::NoPermission) => {
                    Err(StoreError::CannotUpgrade {
                        location: url.to_string(),
                        found: version,
                        supported: SCHEMA_VERSION,
                    })
                }
                Err(e) => Err(e),
            },
            Found::Ours(_) => Ok(Some(PgStore::new(client, url))),
        }
    }
}
