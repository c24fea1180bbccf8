//! The capabilities' tier: each host function called directly on a call context over a real SQLite
//! store, without a component — the grant check, the city from the context, the staged writes and
//! what another city's call sees of them.

use carmen_domain::grants::Grants;
use carmen_domain::installs::Quotas;
use carmen_domain::staged::{Access, Scope, Staged};
use carmen_store::Db;

use super::{CallContext, CapabilityNotGranted};
use crate::contract::carmen::city::{cases, store};
use crate::contract::types::{CaseDraft, HostError, Priority};

/// A store over a fresh SQLite file, with the cities `alpha` and `beta`.
async fn two_cities(dir: &std::path::Path) -> Db {
    let db = Db::open(&dir.join("carmen.db").to_string_lossy())
        .await
        .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    for slug in ["alpha", "beta"] {
        carmen_domain::cities::create(&mut tx, slug, slug)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    db
}

/// A call of plugin `counter` (service `counter`) in `city`, granted `grants`.
fn call(db: &Db, city: &str, grants: &str, access: Access) -> CallContext {
    let scope = Scope {
        city: city.into(),
        service: "counter".into(),
        plugin: "counter".into(),
        quotas: Quotas::default(),
        public: false,
        private_fields: Vec::new(),
        default_department: None,
    };
    CallContext {
        grants: Grants::parse(grants).unwrap(),
        config: Default::default(),
        staged: Staged::new(scope, access, db.clone()),
        caller: Default::default(),
        consulted: false,
        hosts: Default::default(),
    }
}

/// Commits what the call staged, as the runtime does when a call succeeded.
async fn commit(db: &Db, ctx: &CallContext) {
    let mut tx = db.begin_serializable().await.unwrap();
    ctx.staged.apply(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
}

fn draft(title: &str) -> CaseDraft {
    CaseDraft {
        title: title.into(),
        description: "a test case".into(),
        priority: Priority::Normal,
        location: None,
        department: None,
        due: None,
        notice: None,
    }
}

#[tokio::test]
async fn a_function_without_its_grant_traps_before_it_touches_anything() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_cities(dir.path()).await;
    let mut ctx = call(&db, "alpha", "log", Access::ReadWrite);
    let trap = store::Host::set(&mut ctx, "k".into(), b"v".to_vec())
        .await
        .unwrap_err();
    assert!(
        trap.downcast_ref::<CapabilityNotGranted>().is_some(),
        "{trap}"
    );
    assert!(
        cases::Host::create(&mut ctx, draft("x")).await.is_err(),
        "cases were not granted either"
    );
    assert!(ctx.staged.is_empty());
}

#[tokio::test]
async fn store_entries_are_the_calls_own_until_committed_and_never_another_citys() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_cities(dir.path()).await;
    let mut alpha = call(&db, "alpha", "store", Access::ReadWrite);
    store::Host::set(&mut alpha, "count".into(), b"1".to_vec())
        .await
        .unwrap()
        .unwrap();
    let own = store::Host::get(&mut alpha, "count".into()).await.unwrap();
    assert_eq!(
        own.unwrap().as_deref(),
        Some(&b"1"[..]),
        "a call reads its own write"
    );
    let mut before = call(&db, "alpha", "store", Access::ReadWrite);
    let unseen = store::Host::get(&mut before, "count".into()).await.unwrap();
    assert_eq!(
        unseen.unwrap(),
        None,
        "nothing is written before the commit"
    );
    commit(&db, &alpha).await;

    let mut again = call(&db, "alpha", "store", Access::ReadWrite);
    let seen = store::Host::get(&mut again, "count".into()).await.unwrap();
    assert_eq!(seen.unwrap().as_deref(), Some(&b"1"[..]));
    let mut beta = call(&db, "beta", "store", Access::ReadWrite);
    let other = store::Host::get(&mut beta, "count".into()).await.unwrap();
    assert_eq!(
        other.unwrap(),
        None,
        "the same plugin in another city has its own entries"
    );
    let listed = store::Host::list(&mut beta, String::new(), None, 10)
        .await
        .unwrap()
        .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
}

#[tokio::test]
async fn a_read_only_call_writes_nothing_and_says_which_export_only_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_cities(dir.path()).await;
    let mut describe = call(&db, "alpha", "store,cases", Access::ReadOnly("describe"));
    match store::Host::set(&mut describe, "k".into(), b"v".to_vec())
        .await
        .unwrap()
    {
        Err(HostError::Invalid(text)) => assert!(text.contains("describe"), "{text}"),
        other => panic!("expected invalid, got {other:?}"),
    }
    assert!(matches!(
        cases::Host::create(&mut describe, draft("x"))
            .await
            .unwrap(),
        Err(HostError::Invalid(_))
    ));
    assert!(describe.staged.is_empty());
}

#[tokio::test]
async fn a_case_opened_in_one_city_is_not_found_from_another() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_cities(dir.path()).await;
    let mut alpha = call(&db, "alpha", "cases", Access::ReadWrite);
    let opened = cases::Host::create(&mut alpha, draft("Broken lamp"))
        .await
        .unwrap()
        .unwrap();
    commit(&db, &alpha).await;
    let mut beta = call(&db, "beta", "cases", Access::ReadWrite);
    assert!(matches!(
        cases::Host::get(&mut beta, opened.id).await.unwrap(),
        Err(HostError::NotFound)
    ));
    let mut alpha_again = call(&db, "alpha", "cases", Access::ReadWrite);
    let found = cases::Host::get(&mut alpha_again, opened.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.title, "Broken lamp");
}
