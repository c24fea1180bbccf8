//! Cities: the tenants of one Carmen installation.

use crate::db::Binds;
use serde::Serialize;
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// One city.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct City {
    pub slug: String,
    pub name: String,
    pub created_at: i64,
    /// Days a citizen has to reject a resolution (and reopen the case).
    pub reopen_days: i64,
    /// The city's domain, its Open311 `jurisdiction_id` (the slug works too).
    pub domain: Option<String>,
    /// Most messages the city's services together may queue in a day.
    pub messages_per_day: i64,
    /// Whether public views of public requests show where they are.
    pub public_location: bool,
    /// The map its forms show, if it set one.
    pub map: Option<Map>,
    /// The hours it sends no unprompted message, if it set them.
    pub quiet: Option<QuietHours>,
    /// Its colour (`#rrggbb`), if it set one: its header's, with white text on it.
    pub colour: Option<String>,
    /// When its crest was last set, if it has one (its address names this version).
    pub crest_at: Option<i64>,
    /// Its time zone (an IANA name such as `Europe/Rome`), if it set one.
    pub time_zone: Option<String>,
    /// Where it moved, when it left this host: it is read-only here.
    pub moved_to: Option<String>,
}

impl City {
    /// The clock the city's people read times on: its time zone, or else the offset kept with
    /// its quiet hours, or else UTC.
    pub fn clock(&self) -> Clock {
        match self.time_zone.as_deref().and_then(zone) {
            Some(zone) => Clock::Zone(zone),
            None => Clock::Offset(self.quiet.map_or(0, |q| q.utc_offset_minutes) * 60),
        }
    }

    /// When the city's quiet hours around `now` end, if `now` is in them.
    pub fn quiet_ends_after(&self, now: i64) -> Option<i64> {
        let clock = self.clock();
        self.quiet?.ends_after(now, |t| clock.offset_at(t))
    }
}

/// A clock people read times on: a time zone (whose offset changes with summer time) or a
/// fixed offset from UTC, in seconds.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    Zone(&'static jiff::tz::TimeZone),
    Offset(i64),
}

impl Clock {
    /// Seconds east of UTC at unix time `at`.
    pub fn offset_at(&self, at: i64) -> i64 {
        match self {
            Clock::Zone(zone) => jiff::Timestamp::from_second(at)
                .map_or(0, |t| i64::from(zone.to_offset(t).seconds())),
            Clock::Offset(seconds) => *seconds,
        }
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::Offset(0)
    }
}

/// The time zone of the IANA name `name`, as the host knows it (the system's zone database,
/// else the one built in). Each zone is loaded once and kept under its own spelling (there are
/// some 600), so no input grows the set.
pub fn zone(name: &str) -> Option<&'static jiff::tz::TimeZone> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static ZONES: OnceLock<Mutex<HashMap<String, &'static jiff::tz::TimeZone>>> = OnceLock::new();
    let zones = ZONES.get_or_init(Default::default);
    if let Some(zone) = zones.lock().ok()?.get(name) {
        return Some(zone);
    }
    let zone = jiff::tz::TimeZone::get(name).ok()?;
    let own = zone.iana_name()?.to_string();
    let mut zones = zones.lock().ok()?;
    // Kept under its own spelling only: another spelling finds it there, and leaks nothing.
    Some(
        *zones
            .entry(own)
            .or_insert_with(|| Box::leak(Box::new(zone))),
    )
}

/// Checks a time zone's name and answers its own spelling (`europe/rome` → `Europe/Rome`).
pub fn check_time_zone(name: &str) -> CrmResult<String> {
    jiff::tz::TimeZone::get(name.trim())
        .ok()
        .and_then(|zone| zone.iana_name().map(str::to_string))
        .ok_or_else(|| {
            CrmError::Invalid(format!(
                "{name:?} is not a time zone: give its IANA name, such as Europe/Rome"
            ))
        })
}

/// Every time zone's name the host knows, sorted.
pub fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names
}

/// Hours of the night when a city sends no unprompted message: from `start` to `end` (0 to 23,
/// local time; across midnight when `start > end`), local time being the city's time zone's, or
/// UTC plus the offset when it set none.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = QuietHoursView)] // its name in the API's document
pub struct QuietHours {
    #[schema(minimum = 0, maximum = 23)]
    pub start: i64,
    #[schema(minimum = 0, maximum = 23)]
    pub end: i64,
    #[serde(default)]
    #[schema(minimum = -720, maximum = 840)]
    pub utc_offset_minutes: i64,
}

impl QuietHours {
    /// Checks the hours and the offset (-12 h to +14 h).
    pub fn check(&self) -> CrmResult<()> {
        if !(0..24).contains(&self.start) || !(0..24).contains(&self.end) || self.start == self.end
        {
            return Err(CrmError::Invalid(
                "quiet hours run from one hour (0 to 23) to another".into(),
            ));
        }
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            return Err(CrmError::Invalid(
                "the offset from UTC is -720 to 840 minutes".into(),
            ));
        }
        Ok(())
    }

    /// When the quiet hours around `now` end, if `now` is in them, on a clock `offset_at` seconds
    /// east of UTC at each moment (so an end across a change to summer time is still the local
    /// hour).
    pub fn ends_after(&self, now: i64, offset_at: impl Fn(i64) -> i64) -> Option<i64> {
        let local = now + offset_at(now);
        let hour = local.rem_euclid(86_400) / 3_600;
        let quiet = if self.start < self.end {
            (self.start..self.end).contains(&hour)
        } else {
            hour >= self.start || hour < self.end
        };
        if !quiet {
            return None;
        }
        let day_start = local - local.rem_euclid(86_400);
        let mut end = day_start + self.end * 3_600;
        if end <= local {
            end += 86_400;
        }
        // The offset at the end itself: the first guess, then the offset there. An end hour that
        // summer time skips (02:00 on the night clocks go forward) does not exist: the quiet
        // hours end at the first moment after the gap, which is the guess.
        let guess = end - offset_at(now);
        let until = end - offset_at(guess);
        let until = if until + offset_at(until) == end {
            until
        } else {
            guess
        };
        Some(until.max(now + 1))
    }
}

/// A city's map: the tiles' URL template and where it starts.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MapView)] // its name in the API's document
pub struct Map {
    /// The tiles' URL template, with `{z}`, `{x}` and `{y}`.
    pub tiles: String,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: f64,
    #[schema(minimum = 1, maximum = 19)]
    pub zoom: i64,
}

impl Map {
    /// Checks a map: an http(s) URL template with `{z}`, `{x}` and `{y}` and only URL characters
    /// (it goes into the pages' content security policy), a centre on Earth, a zoom of 1 to 19.
    pub fn check(&self) -> CrmResult<()> {
        let tiles = &self.tiles;
        let url_chars = tiles
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:/?&=%{}".contains(c));
        let scheme = tiles.starts_with("https://") || tiles.starts_with("http://");
        let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| tiles.contains(p));
        if !(scheme && url_chars && tiles.len() <= 500 && placeholders) {
            return Err(CrmError::Invalid(
                "map tiles: an http(s) URL template with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            ));
        }
        if !(-90.0..=90.0).contains(&self.latitude) || !(-180.0..=180.0).contains(&self.longitude) {
            return Err(CrmError::Invalid(
                "the map's centre: latitude -90 to 90, longitude -180 to 180".into(),
            ));
        }
        if !(1..=19).contains(&self.zoom) {
            return Err(CrmError::Invalid("the map's zoom is 1 to 19".into()));
        }
        Ok(())
    }

    /// The tile server's origin as a content security policy source (`https://tiles.example:8443`;
    /// a `{s}` subdomain placeholder becomes `*`).
    pub fn origin(&self) -> String {
        let after_scheme = self.tiles.find("://").map_or(0, |i| i + 3);
        let end = self.tiles[after_scheme..]
            .find(['/', '?'])
            .map_or(self.tiles.len(), |i| after_scheme + i);
        self.tiles[..end].replace("{s}", "*")
    }
}

const COLUMNS: [&str; 18] = [
    "slug",
    "name",
    "created_at",
    "reopen_days",
    "domain",
    "messages_per_day",
    "public_location",
    "map_tiles",
    "map_latitude",
    "map_longitude",
    "map_zoom",
    "quiet_start",
    "quiet_end",
    "utc_offset_minutes",
    "colour",
    "crest_at",
    "time_zone",
    "moved_to",
];

/// A row of `cities` as the store hands it over (`db::fetch_all_json`).
#[derive(serde::Deserialize)]
struct CityRow {
    slug: String,
    name: String,
    created_at: i64,
    reopen_days: i64,
    domain: Option<String>,
    messages_per_day: i64,
    public_location: i64,
    map_tiles: Option<String>,
    map_latitude: Option<f64>,
    map_longitude: Option<f64>,
    map_zoom: Option<i64>,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
    utc_offset_minutes: i64,
    colour: Option<String>,
    crest_at: Option<i64>,
    time_zone: Option<String>,
    moved_to: Option<String>,
}

impl From<CityRow> for City {
    fn from(row: CityRow) -> City {
        City {
            slug: row.slug,
            name: row.name,
            created_at: row.created_at,
            reopen_days: row.reopen_days,
            domain: row.domain,
            messages_per_day: row.messages_per_day,
            public_location: row.public_location != 0,
            map: row.map_tiles.map(|tiles| Map {
                tiles,
                latitude: row.map_latitude.unwrap_or(0.0),
                longitude: row.map_longitude.unwrap_or(0.0),
                zoom: row.map_zoom.unwrap_or(13),
            }),
            quiet: match (row.quiet_start, row.quiet_end) {
                (Some(start), Some(end)) => Some(QuietHours {
                    start,
                    end,
                    utc_offset_minutes: row.utc_offset_minutes,
                }),
                _ => None,
            },
            colour: row.colour,
            crest_at: row.crest_at,
            time_zone: row.time_zone,
            moved_to: row.moved_to,
        }
    }
}

/// The cities `filter` (a `WHERE` clause, with `ORDER BY slug` and a `LIMIT` where wanted) finds
/// with `values` bound, by slug.
async fn select<V: for<'q> db::Values<'q>>(
    conn: &mut Conn,
    filter: &str,
    values: V,
) -> CrmResult<Vec<City>> {
    let query = format!("SELECT {} FROM cities {filter}", COLUMNS.join(", "));
    let rows: Vec<CityRow> = db::fetch_all_json(conn, &COLUMNS, &query, "slug", values).await?;
    Ok(rows.into_iter().map(City::from).collect())
}

/// Slugs that name the host's own paths (`/api/`, `/assets/`, ...) beside each city's pages at
/// `/{city}/`: no city may take them.
pub const RESERVED: &[&str] = &["api", "open311", "assets", "healthz", "operator", "metrics"];

/// Checks a city slug: 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit.
pub fn check_slug(slug: &str) -> CrmResult<()> {
    if RESERVED.contains(&slug) {
        return Err(CrmError::Invalid(format!(
            "the city slug {slug:?} is taken by the host's own paths; reserved: {}",
            RESERVED.join(", ")
        )));
    }
    if super::is_code(slug, 63) {
        Ok(())
    } else {
        Err(CrmError::Invalid(format!(
            "invalid city slug {slug:?}: use 1 to 63 lowercase letters, digits and dashes"
        )))
    }
}

/// Adds a city.
pub async fn create(conn: &mut Conn, slug: &str, name: &str) -> CrmResult<City> {
    check_slug(slug)?;
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(CrmError::Invalid(
            "a city name is 1 to 200 characters".into(),
        ));
    }
    let city = City {
        slug: slug.to_string(),
        name: name.to_string(),
        created_at: db::now(),
        reopen_days: 14,
        domain: None,
        messages_per_day: 50_000,
        public_location: true,
        map: None,
        quiet: None,
        colour: None,
        crest_at: None,
        time_zone: None,
        moved_to: None,
    };
    sqlx::query("INSERT INTO cities (slug, name, created_at) VALUES ($1, $2, $3)")
        .binds((&city.slug, &city.name, city.created_at))
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if db::is_unique_violation(&e) {
                CrmError::Conflict(format!("city {slug:?} exists already"))
            } else {
                e.into()
            }
        })?;
    Ok(city)
}

/// One city by its slug.
pub async fn get(conn: &mut Conn, slug: &str) -> CrmResult<City> {
    select(conn, "WHERE slug = $1", (slug.to_string(),))
        .await?
        .pop()
        .ok_or_else(|| CrmError::NotFound(format!("city {slug:?}")))
}

/// Up to `limit` cities (the caller bounds it) by slug, after `after` when given: a page of a list that may
/// hold a hundred thousand.
pub async fn page(conn: &mut Conn, after: Option<&str>, limit: u32) -> CrmResult<Vec<City>> {
    select(
        conn,
        "WHERE slug > $1 ORDER BY slug LIMIT $2",
        (after.unwrap_or("").to_string(), i64::from(limit.max(1))),
    )
    .await
}

/// Every city, by slug.
pub async fn list(conn: &mut Conn) -> CrmResult<Vec<City>> {
    select(conn, "ORDER BY slug", ()).await
}

/// Sets (or, with `None`, removes) the city's quiet hours.
pub async fn set_quiet_hours(
    conn: &mut Conn,
    slug: &str,
    quiet: Option<&QuietHours>,
) -> CrmResult<City> {
    if let Some(quiet) = quiet {
        quiet.check()?;
    }
    get(conn, slug).await?;
    db::execute(
        conn,
        "UPDATE cities SET quiet_start = $1, quiet_end = $2, utc_offset_minutes = $3 WHERE slug = $4",
        (
            quiet.map(|q| q.start),
            quiet.map(|q| q.end),
            quiet.map_or(0, |q| q.utc_offset_minutes),
            slug,
        ),
    )
    .await?;
    get(conn, slug).await
}

/// Sets (or, with `None`, removes) the map of the city's forms.
pub async fn set_map(conn: &mut Conn, slug: &str, map: Option<&Map>) -> CrmResult<City> {
    if let Some(map) = map {
        map.check()?;
    }
    get(conn, slug).await?;
    db::execute(
        conn,
        "UPDATE cities SET map_tiles = $1, map_latitude = $2, map_longitude = $3, map_zoom = $4 WHERE slug = $5",
        (
            map.map(|m| m.tiles.clone()),
            map.map(|m| m.latitude),
            map.map(|m| m.longitude),
            map.map(|m| m.zoom),
            slug,
        ),
    )
    .await?;
    get(conn, slug).await
}

/// Sets the days a citizen has to reject a resolution.
pub async fn set_reopen_days(conn: &mut Conn, slug: &str, days: i64) -> CrmResult<City> {
    if !(0..=365).contains(&days) {
        return Err(CrmError::Invalid("reopen_days is 0 to 365".into()));
    }
    get(conn, slug).await?;
    db::execute(
        conn,
        "UPDATE cities SET reopen_days = $1 WHERE slug = $2",
        (days, slug),
    )
    .await?;
    get(conn, slug).await
}

/// Sets whether public views of public requests show where they are.
pub async fn set_public_location(conn: &mut Conn, slug: &str, shown: bool) -> CrmResult<City> {
    get(conn, slug).await?;
    db::execute(
        conn,
        "UPDATE cities SET public_location = $1 WHERE slug = $2",
        (shown as i64, slug),
    )
    .await?;
    get(conn, slug).await
}

/// Sets how many messages the city's services together may queue in a day.
pub async fn set_messages_per_day(conn: &mut Conn, slug: &str, messages: i64) -> CrmResult<City> {
    if !(0..=10_000_000).contains(&messages) {
        return Err(CrmError::Invalid(
            "messages_per_day is 0 to 10,000,000".into(),
        ));
    }
    get(conn, slug).await?;
    db::execute(
        conn,
        "UPDATE cities SET messages_per_day = $1 WHERE slug = $2",
        (messages, slug),
    )
    .await?;
    get(conn, slug).await
}

/// Sets a city's domain (its Open311 jurisdiction).
pub async fn set_domain(conn: &mut Conn, slug: &str, domain: &str) -> CrmResult<City> {
    let domain = domain.trim().to_lowercase();
    let ok = !domain.is_empty()
        && domain.len() <= 253
        && domain.contains('.')
        && domain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !ok {
        return Err(CrmError::Invalid(format!(
            "{domain:?} is not a domain name"
        )));
    }
    get(conn, slug).await?;
    sqlx::query("UPDATE cities SET domain = $1 WHERE slug = $2")
        .binds((&domain, slug))
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if db::is_unique_violation(&e) {
                CrmError::Conflict(format!("another city has the domain {domain:?}"))
            } else {
                e.into()
            }
        })?;
    get(conn, slug).await
}

/// The city whose domain or slug is `jurisdiction`.
pub async fn by_jurisdiction(conn: &mut Conn, jurisdiction: &str) -> CrmResult<City> {
    let jurisdiction = jurisdiction.trim().to_lowercase();
    let row = sqlx::query("SELECT slug FROM cities WHERE domain = $1 OR slug = $1")
        .bind(&jurisdiction)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CrmError::NotFound(format!("jurisdiction {jurisdiction:?}")))?;
    get(conn, &row.try_get::<String, _>(0)?).await
}

/// How many cities on this host there are.
pub async fn count(conn: &mut Conn) -> CrmResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM cities")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("n")?)
}

#[cfg(test)]
mod quiet_tests {
    use super::*;

    #[test]
    fn quiet_hours_span_midnight_in_local_time() {
        let night = QuietHours {
            start: 21,
            end: 8,
            utc_offset_minutes: 60,
        };
        // 22:30 UTC is 23:30 local: quiet until 08:00 local, 07:00 UTC the next day.
        let at = 22 * 3_600 + 1_800;
        let hour_east = |_| 3_600;
        assert_eq!(night.ends_after(at, hour_east), Some(86_400 + 7 * 3_600));
        // 12:00 UTC is 13:00 local: not quiet.
        assert_eq!(night.ends_after(12 * 3_600, hour_east), None);
        // 05:00 UTC is 06:00 local: quiet until 07:00 UTC the same day.
        assert_eq!(night.ends_after(5 * 3_600, hour_east), Some(7 * 3_600));
        let lunch = QuietHours {
            start: 12,
            end: 14,
            utc_offset_minutes: 0,
        };
        assert_eq!(lunch.ends_after(13 * 3_600, |_| 0), Some(14 * 3_600));
        assert!(
            QuietHours {
                start: 5,
                end: 5,
                utc_offset_minutes: 0
            }
            .check()
            .is_err()
        );
        assert!(
            QuietHours {
                start: 1,
                end: 5,
                utc_offset_minutes: 900
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn a_time_zone_keeps_the_quiet_hours_local_through_summer_time() {
        let rome = zone("Europe/Rome").unwrap();
        let city = |zone: Option<&str>| City {
            slug: "rome".into(),
            name: "Roma".into(),
            created_at: 0,
            reopen_days: 14,
            domain: None,
            messages_per_day: 1,
            public_location: true,
            map: None,
            quiet: Some(QuietHours {
                start: 21,
                end: 8,
                utc_offset_minutes: 60,
            }),
            colour: None,
            crest_at: None,
            time_zone: zone.map(str::to_string),
            moved_to: None,
        };
        let day = |y, m: u8, d, h| {
            time::Date::from_calendar_date(y, m.try_into().unwrap(), d)
                .unwrap()
                .with_hms(h, 0, 0)
                .unwrap()
                .assume_utc()
                .unix_timestamp()
        };
        // 1 July 2026, 22:00 UTC is midnight in Rome (summer time, +2): quiet until 08:00 there,
        // 06:00 UTC. The fixed offset alone would have said 07:00 UTC.
        let night = day(2026, 7, 1, 22);
        assert_eq!(
            city(Some("Europe/Rome")).quiet_ends_after(night),
            Some(day(2026, 7, 2, 6))
        );
        assert_eq!(city(None).quiet_ends_after(night), Some(day(2026, 7, 2, 7)));
        // In winter the zone and the offset agree.
        let winter = day(2026, 12, 1, 22);
        assert_eq!(
            city(Some("Europe/Rome")).quiet_ends_after(winter),
            Some(day(2026, 12, 2, 7))
        );
        // The night summer time begins (29 March 2026, 02:00 → 03:00): 08:00 is at +2.
        let spring = day(2026, 3, 28, 22);
        assert_eq!(
            city(Some("Europe/Rome")).quiet_ends_after(spring),
            Some(day(2026, 3, 29, 6))
        );
        // Quiet until 02:00 on that night: 02:00 does not exist in Rome; quiet until 03:00 local
        // (01:00 UTC), never a time already past.
        let mut gap = city(Some("Europe/Rome"));
        gap.quiet = Some(QuietHours {
            start: 22,
            end: 2,
            utc_offset_minutes: 0,
        });
        let late = day(2026, 3, 28, 23);
        assert_eq!(gap.quiet_ends_after(late), Some(day(2026, 3, 29, 1)));
        assert_eq!(
            gap.quiet_ends_after(day(2026, 3, 29, 0) + 1_800),
            Some(day(2026, 3, 29, 1))
        );
        assert_eq!(Clock::Zone(rome).offset_at(night), 7_200);
        assert_eq!(Clock::Zone(rome).offset_at(winter), 3_600);
        assert_eq!(check_time_zone("europe/rome").unwrap(), "Europe/Rome");
        assert!(check_time_zone("Mars/Olympus").is_err());
        assert!(check_time_zone("").is_err());
        assert!(time_zones().iter().any(|z| z == "America/New_York"));
    }
}

/// Whether `colour` is a colour a city may take: `#rrggbb`, dark enough for white text on it to
/// meet WCAG AA (a contrast of at least 4.5 to 1).
pub fn check_colour(colour: &str) -> CrmResult<()> {
    let hex = colour
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| {
            CrmError::Invalid(format!("{colour:?} is no colour: write it as #1d4f91"))
        })?;
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    let contrast = 1.05 / (luminance + 0.05);
    if contrast < 4.5 {
        return Err(CrmError::Invalid(format!(
            "white text on {colour} has a contrast of {contrast:.1} to 1; choose a darker colour (at least 4.5 to 1)"
        )));
    }
    Ok(())
}

/// Marks the city as moved to `to` (an http(s) address): read-only here from now on.
pub async fn set_moved_to(conn: &mut Conn, slug: &str, to: &str) -> CrmResult<()> {
    let to = to.trim();
    let parsed = url::Url::parse(to).ok().filter(|u| {
        matches!(u.scheme(), "https" | "http") && u.host_str().is_some() && to.len() <= 500
    });
    if parsed.is_none() {
        return Err(CrmError::Invalid(format!(
            "{to:?} is not an address a citizen can open: give the city's new https:// address"
        )));
    }
    db::execute(
        conn,
        "UPDATE cities SET moved_to = $1 WHERE slug = $2",
        (to, slug),
    )
    .await?;
    Ok(())
}

/// Sets or removes the city's time zone (checked by `check_time_zone`, kept in its own spelling).
pub async fn set_time_zone(conn: &mut Conn, slug: &str, zone: Option<&str>) -> CrmResult<()> {
    let zone = zone.map(check_time_zone).transpose()?;
    db::execute(
        conn,
        "UPDATE cities SET time_zone = $1 WHERE slug = $2",
        (zone, slug),
    )
    .await?;
    Ok(())
}

/// Sets or removes the city's colour (checked by `check_colour`).
pub async fn set_colour(conn: &mut Conn, slug: &str, colour: Option<&str>) -> CrmResult<()> {
    if let Some(colour) = colour {
        check_colour(colour)?;
    }
    db::execute(
        conn,
        "UPDATE cities SET colour = $1 WHERE slug = $2",
        (colour.map(str::to_ascii_lowercase), slug),
    )
    .await?;
    Ok(())
}

/// Keeps `png` as the city's crest, set at `at`.
pub async fn set_crest(conn: &mut Conn, slug: &str, png: &[u8], at: i64) -> CrmResult<()> {
    db::execute(conn, "DELETE FROM city_crests WHERE city = $1", (slug,)).await?;
    db::execute(
        conn,
        "INSERT INTO city_crests (city, png) VALUES ($1, $2)",
        (slug, png),
    )
    .await?;
    db::execute(
        conn,
        "UPDATE cities SET crest_at = $1 WHERE slug = $2",
        (at, slug),
    )
    .await?;
    Ok(())
}

/// The city's crest, a PNG.
pub async fn crest(conn: &mut Conn, slug: &str) -> CrmResult<Vec<u8>> {
    let row = sqlx::query("SELECT png FROM city_crests WHERE city = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CrmError::NotFound("crest".into()))?;
    Ok(row.try_get("png")?)
}

#[cfg(test)]
mod colour_tests {
    use super::check_colour;

    #[test]
    fn a_colour_is_dark_enough_for_white_text_or_refused() {
        for dark in ["#1d4f91", "#0b0c0c", "#00703C", "#8b0000"] {
            assert!(check_colour(dark).is_ok(), "{dark}");
        }
        for light in ["#ffff00", "#ffbf47", "#ffffff", "#88aaff"] {
            assert!(check_colour(light).is_err(), "{light}");
        }
        for bad in ["red", "#12345", "1d4f91", "#gggggg", "#1d4f91; x"] {
            assert!(check_colour(bad).is_err(), "{bad}");
        }
    }
}
