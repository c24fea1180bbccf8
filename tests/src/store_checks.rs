//! Checks of the plugin key-value store that run the same on SQLite and on PostgreSQL.

use carmen::crm::kv::{self, Space};
use carmen::db::Db;

/// `compare_and_swap` does what the contract says in every case, and one city's call never sees or
/// changes another city's entry under the same plugin and key. Needs cities `rivertown` and `hillcrest`.
pub async fn compare_and_swap_is_exact_and_per_city(db: &Db) {
    let river = Space {
        city: "rivertown",
        plugin: "bulky-waste",
    };
    let hill = Space {
        city: "hillcrest",
        plugin: "bulky-waste",
    };
    let cas = |space, expected: Option<&'static [u8]>, value: Option<&'static [u8]>| async move {
        kv::compare_and_swap(db, space, "slot", expected, value)
            .await
            .unwrap()
    };
    assert!(cas(&river, None, None).await, "absent, as expected");
    assert!(cas(&river, None, Some(b"1")).await, "created");
    assert!(!cas(&river, None, Some(b"9")).await, "not absent any more");
    assert!(
        !cas(&river, Some(b"0"), Some(b"9")).await,
        "wrong expectation"
    );
    assert!(cas(&river, Some(b"1"), Some(b"2")).await, "swapped");
    assert_eq!(
        kv::get(db, &river, "slot").await.unwrap().as_deref(),
        Some(&b"2"[..])
    );

    // Hillcrest's entry under the same plugin and key is another entry.
    assert!(
        !cas(&hill, Some(b"2"), Some(b"7")).await,
        "Hillcrest cannot swap Rivertown's value"
    );
    assert!(!cas(&hill, Some(b"2"), None).await, "nor delete it");
    assert!(
        cas(&hill, None, Some(b"5")).await,
        "Hillcrest creates its own"
    );
    assert_eq!(
        kv::get(db, &river, "slot").await.unwrap().as_deref(),
        Some(&b"2"[..])
    );
    assert_eq!(
        kv::get(db, &hill, "slot").await.unwrap().as_deref(),
        Some(&b"5"[..])
    );

    assert!(
        !cas(&river, Some(b"1"), None).await,
        "a stale delete changes nothing"
    );
    assert!(cas(&river, Some(b"2"), None).await, "deleted");
    assert_eq!(kv::get(db, &river, "slot").await.unwrap(), None);
    assert_eq!(
        kv::get(db, &hill, "slot").await.unwrap().as_deref(),
        Some(&b"5"[..])
    );

    let big = vec![0u8; kv::MAX_VALUE_BYTES + 1];
    let refused = kv::compare_and_swap(db, &river, "slot", None, Some(&big)).await;
    assert!(refused.is_err(), "the size limit holds");
    assert_eq!(
        kv::get(db, &river, "slot").await.unwrap(),
        None,
        "nothing written"
    );
}

/// Writes `count` entries `<prefix>1`, `<prefix>2`, … holding `x` into `space`, straight into the store.
pub async fn fill(db: &Db, space: &Space<'_>, prefix: &str, count: i64) {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO kv (city, plugin, key, value, updated_at) SELECT $2, $3, $4 || i, $5, 0 FROM n",
    )
    .bind(count)
    .bind(space.city)
    .bind(space.plugin)
    .bind(prefix)
    .bind(b"x".to_vec())
    .execute(db.pool())
    .await
    .unwrap();
}

/// A plugin keeps at most `kv::MAX_ENTRIES` entries in one city: past that a new key is refused by
/// `set` and by `compare_and_swap`, existing keys still change, and another city's room is its own.
/// Needs cities `rivertown` and `hillcrest`.
pub async fn the_entry_limit_holds_per_city(db: &Db) {
    let full = Space {
        city: "rivertown",
        plugin: "filler",
    };
    fill(db, &full, "k", kv::MAX_ENTRIES).await;
    let refused = kv::set(db, &full, "one-more", b"x").await.unwrap_err();
    assert!(refused.to_string().contains("entries"), "{refused}");
    let refused = kv::compare_and_swap(db, &full, "one-more", None, Some(b"x")).await;
    assert!(
        refused.is_err(),
        "compare-and-swap cannot create past the limit either"
    );
    kv::set(db, &full, "k1", b"changed").await.unwrap();
    assert!(
        kv::compare_and_swap(db, &full, "k2", Some(b"x"), Some(b"y"))
            .await
            .unwrap()
    );
    let elsewhere = Space {
        city: "hillcrest",
        plugin: "filler",
    };
    kv::set(db, &elsewhere, "one-more", b"x").await.unwrap();
    assert_eq!(
        kv::get(db, &full, "one-more").await.unwrap(),
        None,
        "nothing written in the full city"
    );
}
