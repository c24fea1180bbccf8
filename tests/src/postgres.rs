//! Fresh databases on the test PostgreSQL server (CARMEN_TEST_POSTGRES, default
//! postgres://postgres@127.0.0.1:5432/test), one per test.

use sqlx::Connection;

fn server_url() -> String {
    std::env::var("CARMEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh database on the test server: its URL and its name (for `drop_database`).
pub async fn fresh_database() -> (String, String) {
    let name = format!(
        "carmen_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let mut admin = sqlx::PgConnection::connect(&server_url())
        .await
        .expect("PostgreSQL at CARMEN_TEST_POSTGRES");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = server_url();
    let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
    (url, name)
}

/// Drops a database made by `fresh_database`.
pub async fn drop_database(name: &str) {
    let mut admin = sqlx::PgConnection::connect(&server_url()).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}
