//! The runtime's lock: a use case takes the proof of who may do it, and the city it acts in is the
//! proof's. For each role, a proof made for one city is refused another city's things, and a
//! credential cannot be turned into a proof for a city it does not belong to.

use carmen::runtime::casework::Follower;
use carmen::runtime::proofs::Identity;
use carmen::runtime::types::{CaseStatus, CrmError, QueueFilter};
use carmen::runtime::{Carmen, RuntimeError};
use carmen_tests::api::{People, report_pothole, two_cities};

async fn identity(carmen: &Carmen, token: &str) -> Identity {
    carmen.authenticate(token).await.unwrap().unwrap()
}

fn not_found<T: std::fmt::Debug>(result: Result<T, RuntimeError>, what: &str) {
    match result {
        Err(RuntimeError::Crm(CrmError::NotFound(_))) => {}
        other => panic!("{what}: expected not found, got {other:?}"),
    }
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, RuntimeError>, what: &str) {
    match result {
        Err(RuntimeError::Forbidden(_)) => {}
        other => panic!("{what}: expected forbidden, got {other:?}"),
    }
}

/// Two cities with a case in each; Hillcrest's has an id Rivertown has no case under.
async fn world(dir: &std::path::Path) -> (carmen_tests::TestHost, People, i64) {
    let (host, people) = two_cities(dir).await;
    let mut hill_case = 0;
    for _ in 0..3 {
        hill_case = report_pothole(&host, "hillcrest", None).await;
    }
    (host, people, hill_case)
}

#[tokio::test]
async fn no_credential_becomes_a_proof_for_another_city() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people, _) = world(dir.path()).await;
    let carmen = &host.carmen;
    for token in [
        &people.river_staff,
        &people.river_admin,
        &people.river_citizen,
    ] {
        let who = identity(carmen, token).await;
        forbidden(who.staff_of("hillcrest"), "staff of hillcrest");
        forbidden(who.admin_of("hillcrest"), "admin of hillcrest");
        forbidden(who.citizen_of("hillcrest"), "citizen of hillcrest");
        forbidden(who.member_of("hillcrest"), "member of hillcrest");
        forbidden(who.operator(), "operator");
    }
    let staff = identity(carmen, &people.river_staff).await;
    forbidden(staff.admin_of("rivertown"), "staff as admin");
    forbidden(staff.citizen_of("rivertown"), "staff as citizen");
    let citizen = identity(carmen, &people.river_citizen).await;
    forbidden(citizen.staff_of("rivertown"), "citizen as staff");
    let operator = identity(carmen, &people.operator).await;
    assert_eq!(operator.staff_of("hillcrest").unwrap().city(), "hillcrest");
    forbidden(operator.citizen_of("hillcrest"), "operator as citizen");
}

#[tokio::test]
async fn staff_of_one_city_reach_none_of_another_citys_cases() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people, hill_case) = world(dir.path()).await;
    let carmen = &host.carmen;
    let river = identity(carmen, &people.river_staff)
        .await
        .staff_of("rivertown")
        .unwrap();
    not_found(carmen.case_file(&river, hill_case).await, "case file");
    not_found(
        carmen
            .change_status(&river, hill_case, CaseStatus::Closed, None, None)
            .await,
        "status change",
    );
    not_found(
        carmen.post_message(&river, hill_case, "hello", false).await,
        "message",
    );
    not_found(carmen.assign(&river, hill_case, None).await, "assign");
    let (queue, _) = carmen.queue(&river, &QueueFilter::default()).await.unwrap();
    assert!(queue.iter().all(|case| case.city == "rivertown"));
    assert!(!queue.iter().any(|case| case.id == hill_case));
    // Hillcrest's case is as it was.
    let hill = identity(carmen, &people.hill_staff)
        .await
        .staff_of("hillcrest")
        .unwrap();
    let file = carmen.case_file(&hill, hill_case).await.unwrap();
    assert_eq!(file.case.status, CaseStatus::Submitted);
    assert!(file.messages.is_empty());
}

#[tokio::test]
async fn an_administrator_of_one_city_changes_nothing_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people, _) = world(dir.path()).await;
    let carmen = &host.carmen;
    let river = identity(carmen, &people.river_admin)
        .await
        .admin_of("rivertown")
        .unwrap();
    // Rivertown's own service of that name is what it reaches: uninstalling it leaves
    // Hillcrest's in place.
    carmen.uninstall(&river, "street-issue").await.unwrap();
    let hill = identity(carmen, &people.hill_admin)
        .await
        .admin_of("hillcrest")
        .unwrap();
    assert!(
        carmen
            .install_of_package(&hill.staff(), "street-issue")
            .await
            .unwrap()
            .is_some(),
        "Hillcrest's install stays"
    );
    not_found(
        carmen.rollback(&river, "street-issue").await,
        "rollback of what only Hillcrest runs",
    );
    let log = carmen.audit_log(&river, None, 100).await.unwrap();
    assert!(
        log.iter()
            .all(|entry| entry.city.as_deref() == Some("rivertown"))
    );
    let staff = carmen.staff(&river.staff()).await.unwrap();
    assert!(
        staff
            .iter()
            .all(|user| user.city.as_deref() == Some("rivertown"))
    );
}

#[tokio::test]
async fn a_citizen_of_one_city_acts_on_nothing_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people, hill_case) = world(dir.path()).await;
    let carmen = &host.carmen;
    let river = identity(carmen, &people.river_citizen)
        .await
        .citizen_of("rivertown")
        .unwrap();
    // A Rivertown account presented to Hillcrest's request is nobody's account there.
    let follower = Follower::Account(river.clone());
    not_found(
        carmen
            .followed_case("hillcrest", hill_case, &follower)
            .await,
        "followed case",
    );
    not_found(
        carmen
            .follower_message("hillcrest", hill_case, &follower, "mine?")
            .await,
        "message as follower",
    );
    let mine = carmen.citizens_requests(&river, None, 100).await.unwrap().0;
    assert!(mine.iter().all(|case| case.city == "rivertown"));
    // Filing in Hillcrest under a Rivertown account is refused, not filed anonymously.
    let input = carmen::runtime::form::RequestInput {
        fields: [("category".to_string(), vec!["pothole".to_string()])].into(),
        location: Some(carmen::runtime::types::Location {
            address: Some("Canal 1".into()),
            latitude: None,
            longitude: None,
        }),
        language: "en".into(),
        citizen: Some(river.clone()),
        ..Default::default()
    };
    forbidden(
        carmen.submit("hillcrest", "street-issue", input).await,
        "submit elsewhere",
    );
}
