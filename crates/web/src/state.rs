//! What every handler shares: the database, the settings, the territory tables kept in
//! memory, the sign-in limiter.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use passerelle_db::Db;
use passerelle_domain::territory::TerritoryTables;
use time::Duration;

use crate::signin_limit;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` for the client address (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute: Duration,
    /// Failed sign-ins in a row that lock an account.
    pub lock_after_failures: i64,
    pub lock_duration: Duration,
    /// Failed sign-ins allowed from one address per window.
    pub ip_failures_per_window: usize,
    pub ip_window: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_forwarded_for: false,
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(10),
            lock_after_failures: 10,
            lock_duration: Duration::minutes(15),
            ip_failures_per_window: 30,
            ip_window: std::time::Duration::from_secs(15 * 60),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    /// Towns and QPV lists, small and read on every form: kept in memory for a minute, so that
    /// an import (command line or another server) shows up without a restart.
    territory: Arc<RwLock<(Instant, Arc<TerritoryTables>)>>,
    pub signin_limit: Arc<signin_limit::SigninLimiter>,
}

impl AppState {
    pub async fn new(db: Db, config: WebConfig) -> Result<AppState, passerelle_db::DbError> {
        passerelle_db::territory::ensure_default_communes(&db).await?;
        let tables = passerelle_db::territory::load(&db).await?;
        let limiter =
            signin_limit::SigninLimiter::new(config.ip_failures_per_window, config.ip_window);
        Ok(AppState {
            db,
            config: Arc::new(config),
            territory: Arc::new(RwLock::new((Instant::now(), Arc::new(tables)))),
            signin_limit: Arc::new(limiter),
        })
    }

    /// Reloads the territory tables now (after an import).
    pub async fn reload_territory(&self) -> Result<(), passerelle_db::DbError> {
        let t = Arc::new(passerelle_db::territory::load(&self.db).await?);
        if let Ok(mut g) = self.territory.write() {
            *g = (Instant::now(), t);
        }
        Ok(())
    }

    pub async fn territory(&self) -> Arc<TerritoryTables> {
        const FRESH: std::time::Duration = std::time::Duration::from_secs(60);
        let cached = match self.territory.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        if cached.0.elapsed() < FRESH {
            return cached.1;
        }
        match passerelle_db::territory::load(&self.db).await {
            Ok(t) => {
                let t = Arc::new(t);
                if let Ok(mut g) = self.territory.write() {
                    *g = (Instant::now(), t.clone());
                }
                t
            }
            Err(e) => {
                tracing::warn!(error = %e, "territory tables not reloaded");
                cached.1
            }
        }
    }
}
