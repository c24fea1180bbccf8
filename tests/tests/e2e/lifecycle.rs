//! The case lifecycle over the API: every allowed transition works; every other one is refused
//! with a clear error and changes nothing.

use carmen_core::crm::cases::CaseStatus;
use carmen_tests::api::{call, report_pothole, two_cities};
use reqwest::Method;
use serde_json::json;

/// The moves that bring a fresh case to `status`.
fn path_to(status: CaseStatus) -> &'static [&'static str] {
    match status {
        CaseStatus::Submitted => &[],
        CaseStatus::Acknowledged => &["acknowledged"],
        CaseStatus::InProgress => &["in_progress"],
        CaseStatus::Resolved => &["resolved"],
        CaseStatus::Closed => &["resolved", "closed"],
        CaseStatus::Rejected => &["rejected"],
        CaseStatus::Duplicate => &["duplicate"],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_allowed_transition_works_and_every_other_is_refused_without_change() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let staff = Some(p.river_staff.as_str());
    let original = report_pothole(&host, "rivertown", None).await;
    let mut checked = 0;
    for from in CaseStatus::ALL {
        for to in CaseStatus::ALL {
            let id = report_pothole(&host, "rivertown", None).await;
            let status_path = format!("/cities/rivertown/cases/{id}/status");
            for step in path_to(from) {
                let body = json!({"status": step, "duplicate_of": (*step == "duplicate").then_some(original)});
                let (status, answer) =
                    call(&host, Method::POST, &status_path, staff, Some(body)).await;
                assert_eq!(status, 200, "setting up {from}: {answer}");
            }
            let (_, before) = call(
                &host,
                Method::GET,
                &format!("/cities/rivertown/cases/{id}"),
                staff,
                None,
            )
            .await;
            let body = json!({"status": to.as_str(), "duplicate_of": (to == CaseStatus::Duplicate).then_some(original)});
            let (status, answer) = call(&host, Method::POST, &status_path, staff, Some(body)).await;
            let (_, after) = call(
                &host,
                Method::GET,
                &format!("/cities/rivertown/cases/{id}"),
                staff,
                None,
            )
            .await;
            if from.can_move_to(to) {
                assert_eq!(
                    (status, answer["status"].as_str()),
                    (200, Some(to.as_str())),
                    "{from} -> {to}: {answer}"
                );
                assert_eq!(
                    after["history"].as_array().unwrap().len(),
                    before["history"].as_array().unwrap().len() + 1
                );
            } else {
                assert_eq!(status, 422, "{from} -> {to} must be refused: {answer}");
                assert_eq!(
                    answer["detail"],
                    format!("a case cannot move from {from} to {to}")
                );
                assert_eq!(after, before, "{from} -> {to} changed the case");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 49);
    host.stop().await;
}
