//! Import benchmark: 100,000 valid tokens for a 1,000-person roster,
//! imported into a fresh ledger (target: under 2 seconds in release); and
//! the crafted inputs that were quadratic before (a JWT header followed by
//! 160,000 dots; 3.4 MB of 76-column base64url lines), each imported at
//! 1× and 4× its size, to show the time grows linearly (target: 4× the
//! input in at most 5× the time).
//!
//! Run with `cargo bench --bench import`. It is a plain binary timed with
//! std::time (harness = false), so `cargo test` does not run it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use handbook::records::ledger::Ledger;
use handbook::records::ledger::import::{ImportSummary, Input, import};
use handbook::records::ledger::scan::find_tokens;
use handbook::records::policy::{KnownVersion, Library, Policy};
use handbook::records::roster::Roster;
use handbook::records::token::{Claims, MasterKey, Scores, sign};

const PEOPLE: usize = 1_000;
const TOKENS: usize = 100_000;
const SITE: &str = "bench-school";
const ISS: &str = "bench-school/social-media";
const VERSION: &str = "0123456789abcdef";

fn main() {
    let master = MasterKey::from_bytes([42; 32]);
    let mut roster_csv = String::from("id,name,email,school,role\n");
    for i in 0..PEOPLE {
        let _ = writeln!(
            roster_csv,
            "P{i:04},Person {i},p{i}@bench.example,School {},Teacher",
            i % 7
        );
    }
    let roster = Roster::parse(roster_csv.as_bytes(), Path::new("roster.csv")).expect("roster");
    let policy = Policy {
        id: "social-media".to_string(),
        title: "Social Media Policy".to_string(),
        label: String::new(),
        required_for: vec!["all".to_string()],
        due_days: 30,
        renew_months: None,
        known_versions: vec![KnownVersion {
            id: VERSION.to_string(),
            label: "Bench".to_string(),
            published: None,
            minor: false,
        }],
        current_version: VERSION.to_string(),
        modules: BTreeMap::from([
            ("scope".to_string(), 80),
            ("behaviour".to_string(), 80),
            ("accounts".to_string(), 80),
        ]),
        archived_modules: BTreeMap::new(),
    };
    let policy = Library {
        site_id: SITE.to_string(),
        policies: vec![policy],
    };

    let started = Instant::now();
    let keys: Vec<_> = roster
        .people()
        .iter()
        .map(|p| master.staff_key(&p.id, 1).signing_key())
        .collect();
    let now = chrono::Utc::now().timestamp();
    let mut text = String::with_capacity(TOKENS * 320);
    for n in 0..TOKENS {
        let person = n % PEOPLE;
        let id = &roster.people()[person].id;
        let claims = Claims {
            iss: ISS.to_string(),
            sub: id.clone(),
            iat: now - 86_400 * 30 + n as i64,
            pv: VERSION.to_string(),
            mods: Scores(vec![
                ("scope".to_string(), 100),
                ("behaviour".to_string(), 90),
                ("accounts".to_string(), 80),
            ]),
            decl: true,
        };
        text.push_str(&sign(&keys[person], id, &claims));
        text.push('\n');
    }
    let generated = started.elapsed();

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ledger.sqlite");
    let started = Instant::now();
    let mut ledger = Ledger::open(&path, &policy).expect("ledger");
    let summary = import(
        &mut ledger,
        &master,
        &roster,
        &policy,
        [Ok(Input::bytes("tokens.txt", text.into_bytes()))],
        now,
        &mut |_| {},
    )
    .expect("import");
    let elapsed = started.elapsed();
    assert_eq!(summary.new, TOKENS, "{summary:?}");
    assert!(summary.rejected.is_empty());
    assert_eq!(ledger.completions().expect("completions").len(), TOKENS);

    crafted(&master, &roster, &policy, now);

    println!(
        "generated {TOKENS} tokens for {PEOPLE} people in {:.2} s",
        generated.as_secs_f64()
    );
    println!(
        "imported {TOKENS} tokens into a fresh ledger in {:.3} s ({:.1} µs per token){}",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / TOKENS as f64,
        if elapsed.as_secs_f64() < 2.0 {
            " - under the 2 s target"
        } else {
            " - OVER the 2 s target"
        }
    );
}

/// A JWT header followed by `dots` dots.
fn header_and_dots(dots: usize) -> Vec<u8> {
    let mut text = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9".to_vec();
    text.resize(text.len() + dots, b'.');
    text
}

/// `bytes` of pseudo-random base64url in 76-column lines, the first
/// starting like a token.
fn base64url_lines(bytes: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut text = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9".to_vec();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut column = text.len();
    while text.len() < bytes {
        if column == 76 {
            text.push(b'\n');
            column = 0;
            continue;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        text.push(ALPHABET[(seed % 64) as usize]);
        column += 1;
    }
    text
}

/// Imports each crafted input at 1× and 4× and prints the times: the whole
/// import (scan, checks, ledger) and the scan alone. Each is the best of
/// three runs, to keep other work on the machine out of the figures.
fn crafted(master: &MasterKey, roster: &Roster, policy: &Library, now: i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ledger = Ledger::open(&dir.path().join("crafted.sqlite"), policy).expect("ledger");
    type Make = fn(usize) -> Vec<u8>;
    let inputs: [(&str, Make, usize); 2] = [
        ("a JWT header and 160,000 dots", header_and_dots, 160_000),
        (
            "3.4 MB of 76-column base64url lines",
            base64url_lines,
            3_400_000,
        ),
    ];
    for (name, make, size) in inputs {
        let mut times = Vec::new();
        for scale in [1, 4] {
            let bytes = make(size * scale);
            let mut best = (f64::MAX, f64::MAX);
            let mut summary = ImportSummary::default();
            for _ in 0..3 {
                let started = Instant::now();
                let found = find_tokens(&bytes);
                let scan = started.elapsed().as_secs_f64();
                std::hint::black_box(found);
                let started = Instant::now();
                summary = import(
                    &mut ledger,
                    master,
                    roster,
                    policy,
                    [Ok(Input::bytes("crafted.txt", bytes.clone()))],
                    now,
                    &mut |_| {},
                )
                .expect("import");
                let whole = started.elapsed().as_secs_f64();
                best = (best.0.min(whole), best.1.min(scan));
            }
            assert_eq!(summary.new, 0, "{summary:?}");
            println!(
                "{name}, {scale}× ({} bytes): import {:.3} s, scan {:.3} s, {} candidate(s), {} rejected",
                bytes.len(),
                best.0,
                best.1,
                summary.found,
                summary.rejected.len()
            );
            times.push(best);
        }
        let (one, four) = (times[0], times[1]);
        println!(
            "{name}: 4× the input took {:.2}× the time to import and {:.2}× to scan{}",
            four.0 / one.0,
            four.1 / one.1,
            if four.0 / one.0 <= 5.0 {
                " - linear (target: at most 5×)"
            } else {
                " - OVER the 5× target"
            }
        );
    }
}
