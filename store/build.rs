// The migrations are embedded at compile time (`sqlx::migrate!`): a new one rebuilds the store.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
