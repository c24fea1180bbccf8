//! Running cities: creating one with its first administrator, its settings, departments and
//! routing, each service's settings and quotas, and reading the audit log. Each change is one
//! transaction with its audit entry.

use std::collections::BTreeMap;

use serde_json::json;

use super::proofs::{Admin, Operator, Staff};
use super::{Carmen, RuntimeError};
use crate::crm::audit::{self, AuditEntry};
use crate::crm::cities::{self, City, Map, QuietHours};
use crate::crm::departments::{self, Department, Route};
use crate::crm::installs::{self, Install};
use crate::crm::people::{self, NewUser, Role, User};

/// What an administrator may change about a city; `None` leaves a setting as it is.
#[derive(Clone, Debug, Default)]
pub struct CitySettings {
    pub reopen_days: Option<i64>,
    pub messages_per_day: Option<i64>,
    /// Whether public views of public requests show where they are.
    pub public_location: Option<bool>,
    /// The map of the city's forms: `Some(None)` removes it.
    pub map: Option<Option<Map>>,
    /// The hours it sends no unprompted message: `Some(None)` removes them.
    pub quiet: Option<Option<QuietHours>>,
    /// Its colour (`#rrggbb`, dark enough for white text): `Some(None)` removes it.
    pub colour: Option<Option<String>>,
    /// Its time zone (an IANA name): `Some(None)` removes it.
    pub time_zone: Option<Option<String>>,
}

/// How the platform is, for the operator.
#[derive(Clone, Debug)]
pub struct Health {
    pub cities: i64,
    pub installs: i64,
    pub database: &'static str,
    pub registry: Option<String>,
}

/// What an administrator may change about an installed service; `None` leaves it as it is.
#[derive(Clone, Debug, Default)]
pub struct ServiceSettings {
    pub anonymous: Option<bool>,
    /// Whether its requests (those filed already too) are public.
    pub public: Option<bool>,
    /// Quotas to change, by name (`cases-per-call`, ...).
    pub quotas: BTreeMap<String, String>,
}

impl Carmen {
    /// Every city, by slug.
    pub async fn cities(&self) -> Result<Vec<City>, RuntimeError> {
        Ok(cities::list(&mut *self.db.read().await?).await?)
    }

    /// A page of the cities by slug: up to `limit` (1 to 1,000) after `after`, and the slug to
    /// ask the next page after, when there are more.
    pub async fn cities_page(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<(Vec<City>, Option<String>), RuntimeError> {
        let limit = limit.clamp(1, 1000);
        let mut page = cities::page(&mut *self.db.read().await?, after, limit + 1).await?;
        let next = (page.len() > limit as usize).then(|| {
            page.truncate(limit as usize);
            page.last().map(|c| c.slug.clone())
        });
        Ok((page, next.flatten()))
    }

    /// One city by its slug.
    pub async fn city(&self, slug: &str) -> Result<City, RuntimeError> {
        Ok(cities::get(&mut *self.db.read().await?, slug).await?)
    }

    /// The city whose domain or slug is `jurisdiction`.
    pub async fn city_by_jurisdiction(&self, jurisdiction: &str) -> Result<City, RuntimeError> {
        Ok(cities::by_jurisdiction(&mut *self.db.read().await?, jurisdiction).await?)
    }

    /// Adds a city, with its domain if given, and its first administrator if given; all of it or
    /// nothing.
    pub async fn create_city(
        &self,
        operator: &Operator,
        slug: &str,
        name: &str,
        domain: Option<&str>,
        admin: Option<NewUser>,
    ) -> Result<(City, Option<User>), RuntimeError> {
        let actor = operator.principal();
        let admin = match admin {
            Some(new) => Some(self.with_hashed_password(new).await?),
            None => None,
        };
        let mut tx = self.db.begin_write().await?;
        let mut city = cities::create(&mut tx, slug, name).await?;
        if let Some(domain) = domain {
            city = cities::set_domain(&mut tx, slug, domain).await?;
        }
        let admin = match admin {
            Some(new) => Some(
                people::create(
                    &mut tx,
                    Role::Admin,
                    NewUser {
                        city: Some(city.slug.clone()),
                        ..new
                    },
                )
                .await?,
            ),
            None => None,
        };
        audit::record(
            &mut tx,
            Some(&city.slug),
            actor,
            "city.create",
            &format!("city:{}", city.slug),
            None,
            Some(
                json!({"name": city.name, "domain": city.domain, "admin": admin.as_ref().map(|a| a.id)}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok((city, admin))
    }

    /// Sets a city's domain (its Open311 jurisdiction).
    pub async fn set_city_domain(&self, admin: &Admin, domain: &str) -> Result<City, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        let before = cities::get(&mut tx, city).await?;
        let after = cities::set_domain(&mut tx, city, domain).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "city.domain",
            &format!("city:{city}"),
            Some(json!({"domain": before.domain})),
            Some(json!({"domain": after.domain})),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a city's settings.
    pub async fn set_city_settings(
        &self,

        admin: &Admin,
        settings: &CitySettings,
    ) -> Result<City, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        let before = cities::get(&mut tx, city).await?;
        if let Some(days) = settings.reopen_days {
            cities::set_reopen_days(&mut tx, city, days).await?;
        }
        if let Some(messages) = settings.messages_per_day {
            cities::set_messages_per_day(&mut tx, city, messages).await?;
        }
        if let Some(shown) = settings.public_location {
            cities::set_public_location(&mut tx, city, shown).await?;
        }
        if let Some(map) = &settings.map {
            cities::set_map(&mut tx, city, map.as_ref()).await?;
        }
        if let Some(quiet) = &settings.quiet {
            cities::set_quiet_hours(&mut tx, city, quiet.as_ref()).await?;
        }
        if let Some(colour) = &settings.colour {
            cities::set_colour(&mut tx, city, colour.as_deref()).await?;
        }
        if let Some(zone) = &settings.time_zone {
            cities::set_time_zone(&mut tx, city, zone.as_deref()).await?;
        }
        let after = cities::get(&mut tx, city).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "city.settings",
            &format!("city:{city}"),
            Some(json!({"reopen_days": before.reopen_days, "messages_per_day": before.messages_per_day, "public_location": before.public_location, "map": before.map, "quiet": before.quiet, "colour": before.colour, "time_zone": before.time_zone})),
            Some(json!({"reopen_days": after.reopen_days, "messages_per_day": after.messages_per_day, "public_location": after.public_location, "map": after.map, "quiet": after.quiet, "colour": after.colour, "time_zone": after.time_zone})),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Makes the image `bytes` (JPEG, PNG or WebP) the city's crest, re-encoded as a PNG of at
    /// most 256 pixels a side (audited).
    pub async fn set_crest(
        &self,
        admin: &Admin,
        place: super::photos::PhotoPlace,
        bytes: Vec<u8>,
    ) -> Result<City, RuntimeError> {
        let png = self
            .on_photo_worker(place, move || super::images::crest(&bytes))
            .await?;
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        cities::set_crest(&mut tx, city, &png, crate::crm::now()).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "city.crest",
            &format!("city:{city}"),
            None,
            Some(json!({"bytes": png.len()})),
        )
        .await?;
        let after = cities::get(&mut tx, city).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The city's crest (a PNG), for anyone: it is on its public pages.
    pub async fn crest(&self, city: &str) -> Result<Vec<u8>, RuntimeError> {
        Ok(cities::crest(&mut *self.db.read().await?, city).await?)
    }

    /// Changes an installed service's settings.
    pub async fn set_service_settings(
        &self,
        admin: &Admin,
        code: &str,

        settings: &ServiceSettings,
    ) -> Result<Install, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let before = installs::get(&mut tx, city, code).await?;
        if let Some(anonymous) = settings.anonymous {
            installs::set_anonymous(&mut tx, city, code, anonymous).await?;
        }
        if let Some(public) = settings.public {
            installs::set_public(&mut tx, city, code, public).await?;
        }
        if !settings.quotas.is_empty() {
            let quotas = before.quotas.with(&settings.quotas)?;
            installs::set_quotas(&mut tx, city, code, &quotas).await?;
        }
        let after = installs::get(&mut tx, city, code).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "service.settings",
            &format!("service:{code}"),
            Some(json!({"anonymous": before.anonymous, "public": before.public, "quotas": before.quotas})),
            Some(json!({"anonymous": after.anonymous, "public": after.public, "quotas": after.quotas})),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A city's staff and administrators.
    pub async fn staff(&self, staff: &Staff) -> Result<Vec<User>, RuntimeError> {
        let city = staff.city();
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        Ok(people::staff_in_city(&mut conn, city).await?)
    }

    /// How the platform is: cities, installed services, the database, the registry.
    pub async fn health(&self) -> Result<Health, RuntimeError> {
        let mut conn = self.db.read().await?;
        Ok(Health {
            cities: cities::count(&mut conn).await?,
            installs: installs::count(&mut conn).await?,
            database: match self.db.backend() {
                crate::db::Backend::Sqlite => "SQLite",
                crate::db::Backend::Postgres => "PostgreSQL",
            },
            registry: self.registry.clone(),
        })
    }

    /// The host's metrics in Prometheus' text format, the outbox and the description cache read now.
    pub async fn metrics_text(&self) -> Result<String, RuntimeError> {
        let outbox = crate::crm::delivery::count_by_status(&mut *self.db.read().await?).await?;
        Ok(crate::metrics::render(
            self.engine.descriptions_kept_hits(),
            &outbox,
        ))
    }

    /// A city's departments and routing rules.
    pub async fn departments(
        &self,
        staff: &Staff,
    ) -> Result<(Vec<Department>, Vec<Route>), RuntimeError> {
        let city = staff.city();
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        Ok((
            departments::list(&mut conn, city).await?,
            departments::routes(&mut conn, city).await?,
        ))
    }

    /// Adds a department to `city`.
    pub async fn add_department(
        &self,

        admin: &Admin,
        code: &str,
        name: &str,
    ) -> Result<Department, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let department = departments::create(&mut tx, city, code, name).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "department.create",
            &format!("department:{}", department.code),
            None,
            Some(json!(department)),
        )
        .await?;
        tx.commit().await?;
        Ok(department)
    }

    /// Routes a service (or one of its categories) of `city` to a department.
    pub async fn set_route(&self, admin: &Admin, route: &Route) -> Result<(), RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        installs::get(&mut tx, city, &route.service).await?;
        departments::set_route(&mut tx, city, route).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "route.set",
            &format!("service:{}", route.service),
            None,
            Some(json!(route)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A city's audit log, newest first.
    pub async fn audit_log(
        &self,
        admin: &Admin,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, RuntimeError> {
        let city = admin.city();
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        Ok(audit::list(&mut conn, city, before, limit).await?)
    }
}
