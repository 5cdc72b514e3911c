//! `fake-vendor <slug> <field>=<value>…`: runs the fake of a vendor's API (the same
//! one the Rust tests use) for tests written in other languages, such as the app's
//! end-to-end test. Prints its base URL on the first line, then serves until stdin
//! closes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, Write};

use switchboard_tests::fake_vendor::FakeVendor;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(slug) = args.next() else {
        eprintln!("usage: fake-vendor <slug> <field>=<value>…");
        std::process::exit(2);
    };
    let valid: Vec<(String, String)> = args
        .map(|a| {
            let (k, v) = a.split_once('=').unwrap_or_else(|| {
                eprintln!("expected <field>=<value>, got `{a}`");
                std::process::exit(2);
            });
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let pairs: Vec<(&str, &str)> = valid
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let fake = FakeVendor::start(&slug, &pairs);
    println!("{}", fake.base);
    std::io::stdout().flush().expect("stdout");
    // Serve until whoever started us closes our stdin.
    for _ in std::io::stdin().lock().lines() {}
    for r in fake.requests() {
        eprintln!("fake-vendor: {} {}", r.method, r.path);
    }
}
