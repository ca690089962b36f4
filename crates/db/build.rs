//! `sqlx::migrate!` embeds the migration folders at compile time: rebuild when one changes, so
//! that a new migration is never left out of the binary (sqlx's documented build script).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
