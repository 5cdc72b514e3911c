//! `fake-gateway <secrets-file>`: runs the fake hosted gateway (the same one the Rust
//! tests use) for tests written in other languages, such as the app's end-to-end
//! test. Prints its base URL on the first line, then serves until stdin closes; then
//! writes every secret it issued (tokens, codes, client secrets), one per line, to
//! `<secrets-file>`, for a leak scan.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, Write};

use switchboard_tests::FakeGateway;

fn main() {
    let Some(secrets_file) = std::env::args().nth(1) else {
        eprintln!("usage: fake-gateway <secrets-file>");
        std::process::exit(2);
    };
    let gateway = FakeGateway::start();
    println!("{}", gateway.base);
    std::io::stdout().flush().expect("stdout");
    for _ in std::io::stdin().lock().lines() {}
    let mut secrets = gateway.secrets_issued().join("\n");
    secrets.push('\n');
    std::fs::write(&secrets_file, secrets).expect("writing the secrets file");
    for r in gateway.requests() {
        eprintln!("fake-gateway: {} {}", r.method, r.path);
    }
}
