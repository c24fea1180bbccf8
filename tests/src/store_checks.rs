//! Checks of the plugin key-value store, through the writes a plugin call stages and commits
//! (`crm::staged`), that run the same on SQLite and on PostgreSQL.

use carmen_core::crm::CrmError;
use carmen_core::crm::installs::Quotas;
use carmen_core::crm::kv::{self, Space};
use carmen_core::crm::staged::{Access, Scope, Staged};
use carmen_core::db::Db;

/// A fresh call of plugin `plugin` in `city`, reading `db`.
pub fn call(db: &Db, city: &str, plugin: &str) -> Staged {
    let scope = Scope {
        city: city.into(),
        service: plugin.into(),
        plugin: plugin.into(),
        quotas: Quotas::default(),
        public: false,
        private_fields: Vec::new(),
        default_department: None,
    };
    Staged::new(scope, Access::ReadWrite, db.clone())
}

/// Commits what `staged` holds, as the runtime does after a call succeeded.
pub async fn commit(db: &Db, staged: &Staged) -> Result<(), CrmError> {
    let mut tx = db.begin_serializable().await?;
    staged.apply(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The value under `key` in `space`, read straight from the store.
pub async fn stored(db: &Db, space: &Space<'_>, key: &str) -> Option<Vec<u8>> {
    kv::get(&mut db.read().await.unwrap(), space, key)
        .await
        .unwrap()
}

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
    let cas = |city: &'static str,
               expected: Option<&'static [u8]>,
               value: Option<&'static [u8]>| async move {
        let mut staged = call(db, city, "bulky-waste");
        let done = staged
            .store_compare_and_swap("slot", expected, value.map(<[u8]>::to_vec))
            .await
            .unwrap();
        commit(db, &staged).await.unwrap();
        done
    };
    assert!(cas("rivertown", None, None).await, "absent, as expected");
    assert!(cas("rivertown", None, Some(b"1")).await, "created");
    assert!(
        !cas("rivertown", None, Some(b"9")).await,
        "not absent any more"
    );
    assert!(
        !cas("rivertown", Some(b"0"), Some(b"9")).await,
        "wrong expectation"
    );
    assert!(cas("rivertown", Some(b"1"), Some(b"2")).await, "swapped");
    assert_eq!(stored(db, &river, "slot").await.as_deref(), Some(&b"2"[..]));

    // Hillcrest's entry under the same plugin and key is another entry.
    assert!(
        !cas("hillcrest", Some(b"2"), Some(b"7")).await,
        "Hillcrest cannot swap Rivertown's value"
    );
    assert!(!cas("hillcrest", Some(b"2"), None).await, "nor delete it");
    assert!(
        cas("hillcrest", None, Some(b"5")).await,
        "Hillcrest creates its own"
    );
    assert_eq!(stored(db, &river, "slot").await.as_deref(), Some(&b"2"[..]));
    assert_eq!(stored(db, &hill, "slot").await.as_deref(), Some(&b"5"[..]));

    assert!(
        !cas("rivertown", Some(b"1"), None).await,
        "a stale delete changes nothing"
    );
    assert!(cas("rivertown", Some(b"2"), None).await, "deleted");
    assert_eq!(stored(db, &river, "slot").await, None);
    assert_eq!(stored(db, &hill, "slot").await.as_deref(), Some(&b"5"[..]));

    let big = vec![0u8; kv::MAX_VALUE_BYTES + 1];
    let mut staged = call(db, "rivertown", "bulky-waste");
    let refused = staged.store_compare_and_swap("slot", None, Some(big)).await;
    assert!(refused.is_err(), "the size limit holds");
    commit(db, &staged).await.unwrap();
    assert_eq!(stored(db, &river, "slot").await, None, "nothing written");
}

/// Two calls that read the same entry and both change it cannot both commit: the second commit
/// is refused as a conflict (its caller runs the call again) and the first one's value stands.
/// A call that wrote nothing it read commits beside either. Needs city `rivertown`.
pub async fn two_calls_that_read_the_same_entry_cannot_both_commit(db: &Db) {
    let space = Space {
        city: "rivertown",
        plugin: "counter",
    };
    let mut first = call(db, "rivertown", "counter");
    let mut second = call(db, "rivertown", "counter");
    let mut blind = call(db, "rivertown", "counter");
    for staged in [&mut first, &mut second] {
        let seen = staged.store_get("count").await.unwrap();
        assert_eq!(seen, None);
        assert!(
            staged
                .store_compare_and_swap("count", None, Some(b"1".to_vec()))
                .await
                .unwrap()
        );
    }
    blind.store_set("other", b"x".to_vec()).await.unwrap();
    commit(db, &first).await.unwrap();
    let lost = commit(db, &second).await.unwrap_err();
    assert!(matches!(lost, CrmError::Conflict(_)), "{lost:?}");
    commit(db, &blind).await.unwrap();
    assert_eq!(
        stored(db, &space, "count").await.as_deref(),
        Some(&b"1"[..])
    );
    assert_eq!(
        stored(db, &space, "other").await.as_deref(),
        Some(&b"x"[..])
    );

    // A list read is checked too: a key added under the prefix meanwhile is a conflict.
    let mut lister = call(db, "rivertown", "counter");
    let keys = lister.store_list("c", None, 10).await.unwrap();
    assert_eq!(keys, vec!["count".to_string()]);
    lister
        .store_set("summary", b"1 key".to_vec())
        .await
        .unwrap();
    let mut adder = call(db, "rivertown", "counter");
    adder.store_set("cx", b"y".to_vec()).await.unwrap();
    commit(db, &adder).await.unwrap();
    assert!(matches!(
        commit(db, &lister).await.unwrap_err(),
        CrmError::Conflict(_)
    ));
    assert_eq!(stored(db, &space, "summary").await, None);
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
    let mut staged = call(db, "rivertown", "filler");
    let refused = staged
        .store_set("one-more", b"x".to_vec())
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("entries"), "{refused}");
    let refused = staged
        .store_compare_and_swap("one-more", None, Some(b"x".to_vec()))
        .await;
    assert!(
        refused.is_err(),
        "compare-and-swap cannot create past the limit either"
    );
    staged.store_set("k1", b"changed".to_vec()).await.unwrap();
    assert!(
        staged
            .store_compare_and_swap("k2", Some(b"x"), Some(b"y".to_vec()))
            .await
            .unwrap()
    );
    // Removing one entry makes room for one new one, in the same call.
    assert!(staged.store_delete("k3").await.unwrap());
    staged.store_set("one-more", b"x".to_vec()).await.unwrap();
    commit(db, &staged).await.unwrap();
    assert_eq!(stored(db, &full, "k3").await, None);
    assert_eq!(
        stored(db, &full, "one-more").await.as_deref(),
        Some(&b"x"[..])
    );

    let mut elsewhere = call(db, "hillcrest", "filler");
    elsewhere
        .store_set("one-more", b"x".to_vec())
        .await
        .unwrap();
    commit(db, &elsewhere).await.unwrap();
    let mut again = call(db, "rivertown", "filler");
    assert!(again.store_set("two-more", b"x".to_vec()).await.is_err());
}
