//! Import benchmark: 100,000 valid tokens for a 1,000-person roster,
//! imported into a fresh ledger (target: under 2 seconds in release).
//!
//! Run with `cargo bench --bench import`. It is a plain binary timed with
//! std::time (harness = false), so `cargo test` does not run it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use handbook::ledger::Ledger;
use handbook::ledger::import::{Input, import};
use handbook::ledger::policy::{KnownVersion, Policy};
use handbook::roster::Roster;
use handbook::token::{Claims, MasterKey, Scores, sign};

const PEOPLE: usize = 1_000;
const TOKENS: usize = 100_000;
const SITE: &str = "bench-school/social-media";
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
        site_id: SITE.to_string(),
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
            iss: SITE.to_string(),
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
    let mut ledger = Ledger::open(&path).expect("ledger");
    let summary = import(
        &mut ledger,
        &master,
        &roster,
        &policy,
        [Ok(Input {
            name: "tokens.txt".to_string(),
            bytes: text.into_bytes(),
        })],
        now,
        &mut |_| {},
    )
    .expect("import");
    let elapsed = started.elapsed();
    assert_eq!(summary.new, TOKENS, "{summary:?}");
    assert!(summary.rejected.is_empty());
    assert_eq!(ledger.count().expect("count"), TOKENS as i64);

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
