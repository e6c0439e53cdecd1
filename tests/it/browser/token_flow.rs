//! The signed completion token, end to end, as a trust would use it: the
//! office issues codes with the binary, a member of staff opens their
//! personal link once, checks that a mistyped code is caught at once,
//! completes one policy's course in a real browser and signs; the course
//! home shows the other policy still to do; the token the page shows is
//! imported with the binary, and the report finds that person complete for
//! that policy, not started for the other, and everyone else as they are.
//!
//! The site is a temporary copy of the trust fixture (three policies:
//! `behaviour` with two modules, `safeguarding` with one, `accessibility`
//! read-only), with a master key and a roster written by the test. The
//! person followed has a replaced code (generation 2), so their id is
//! `T042#2` and the token's `kid` says so.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Browser, Needs, quiz};
use crate::support::{project_root, text};

/// The office's address written into the copy's site.yaml.
pub(super) const OFFICE: &str = "office@school.example";

/// The roster: the person followed is T042, on their second code. The
/// trust's safeguarding policy is for teachers and teaching assistants
/// only, so the volunteer does not need it.
const ROSTER: &str = "id,name,email,school,role,generation
T001,Ada Example,ada@school.example,Ashgrove Primary,Teacher,
T042,Sam Example,sam@school.example,Beech Hill Primary,Teaching assistant,2
T107,Kim Example,kim@school.example,Ashgrove Primary,Volunteer,
";

/// The trust fixture's office address (its site.yaml).
const TRUST_OFFICE: &str = "office@oak.example.org";

/// Copies `from` into `to`, folders and all.
pub(super) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("reading the project");
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|err| panic!("copying {}: {err}", entry.path().display()));
        }
    }
}

/// A copy of the real site (what `handbook build` reads), with the office's
/// address set.
pub(super) fn copy_real_site(to: &Path) {
    let root = project_root();
    for dir in ["content", "quizzes", "themes", "versions"] {
        if root.join(dir).is_dir() {
            copy_tree(&root.join(dir), &to.join(dir));
        }
    }
    if root.join("versions.yaml").is_file() {
        std::fs::copy(root.join("versions.yaml"), to.join("versions.yaml")).unwrap();
    }
    let yaml = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    let mut set = false;
    let yaml: String = yaml
        .lines()
        .map(|line| {
            if line.starts_with("office_email:") {
                set = true;
                format!("office_email: {OFFICE}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert!(set, "the real site.yaml has an office_email line");
    std::fs::write(to.join("site.yaml"), yaml).unwrap();
}

/// Runs `handbook ARGS --root ROOT` with `stdin`; panics unless it exits 0.
pub(super) fn handbook_in(root: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .arg("--root")
        .arg(root)
        .current_dir(root)
        .env("HANDBOOK_TODAY", crate::support::TODAY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the handbook binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    let output = child.wait_with_output().expect("handbook finishes");
    assert_eq!(
        output.status.code(),
        Some(0),
        "handbook {}:\n{}",
        args.join(" "),
        text(&output)
    );
    output
}

/// What `handbook codes` gives one person.
struct Issued {
    /// The id to type (`T042#2`).
    login: String,
    code: String,
    /// The personal link: only the fragment, as the copy has no base_url.
    link: String,
}

/// Issues the codes and returns T042's.
fn issue_codes(root: &Path) -> Issued {
    handbook_in(root, &["keys", "init"], b"");
    std::fs::write(root.join(".handbook/roster.csv"), ROSTER).unwrap();
    let output = handbook_in(root, &["codes", ".handbook/roster.csv"], b"");
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("the codes CSV has a `{name}` column"))
    };
    let (id, generation, code, link) = (
        column("id"),
        column("generation"),
        column("code"),
        column("link"),
    );
    for row in reader.records() {
        let row = row.unwrap();
        if &row[id] == "T042" {
            assert_eq!(&row[generation], "2");
            assert!(
                row[link].starts_with("#id=T042%232&code="),
                "a personal link without base_url is its fragment: {}",
                &row[link]
            );
            return Issued {
                login: "T042#2".to_string(),
                code: row[code].to_string(),
                link: row[link].to_string(),
            };
        }
    }
    panic!("T042 is in the codes CSV");
}

/// The text of an element (by id), or "" if it is not there.
async fn text_of(b: &Browser, id: &str) -> String {
    b.js(
        "var e = document.getElementById(arguments[0]); return e ? e.textContent : '';",
        vec![id.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// An attribute of an element (by id), or "".
async fn attr_of(b: &Browser, id: &str, name: &str) -> String {
    b.js(
        "var e = document.getElementById(arguments[0]);\
         return e && e.hasAttribute(arguments[1]) ? e.getAttribute(arguments[1]) : '';",
        vec![id.into(), name.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

use super::quiz::type_into;

/// The code with its check symbol (the last character) changed.
fn with_wrong_check_symbol(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let last = chars.last_mut().unwrap();
    *last = if *last == '0' { '1' } else { '0' };
    chars.into_iter().collect()
}

/// The SPEC test vector's staff id and code: any valid code makes a token
/// in the browser (it only imports where the master key matches).
pub const SPEC_ID: &str = "T042";
pub const SPEC_CODE: &str = "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C";

/// On the course home: types a staff id and a code with a wrong check
/// symbol, and waits for the message (for the accessibility gate).
pub async fn mistype_code(b: &Browser) {
    b.wait_visible("#identity-code").await;
    type_into(b, "identity-id", SPEC_ID).await;
    type_into(b, "identity-code", &with_wrong_check_symbol(SPEC_CODE)).await;
    b.wait_until(
        "/typing mistake/.test(document.getElementById('identity-code-status').textContent)",
        "the typing mistake to be reported",
    )
    .await;
}

/// On the course home: types the SPEC vector's T042 code with id T043,
/// and waits for the "different staff id" message (for the accessibility
/// gate).
pub async fn code_of_another_id(b: &Browser) {
    b.wait_visible("#identity-code").await;
    type_into(b, "identity-id", "T043").await;
    type_into(b, "identity-code", SPEC_CODE).await;
    b.wait_until(
        "/belongs to a different staff id/.test(document.getElementById('identity-code-status').textContent)",
        "the different-id message",
    )
    .await;
}

/// The JSON of a token's first part.
fn header_of(token: &str) -> String {
    let first = token.split('.').next().unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(first).expect("base64url")).unwrap()
}

/// The course data of one policy's section on the course home.
fn course_data(html: &str, policy: &str) -> serde_json::Value {
    let marker = format!("id=\"course-data-{policy}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("#course-data-{policy} on the course home"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// The claims of a token (its second part), as JSON.
fn claims_of(token: &str) -> serde_json::Value {
    let second = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(second).expect("base64url")).unwrap()
}

/// The state a policy's section on the course home shows, once the
/// scripts have filled it in: `complete` or `passed/total`.
async fn course_state(b: &Browser, policy: &str) -> String {
    b.open("course/index.html").await;
    let css = format!("#course-{policy}[data-course-state]");
    b.wait_for(&css).await;
    b.js(
        "return document.getElementById('course-' + arguments[0]).getAttribute('data-course-state');",
        vec![policy.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
fn personal_link_course_token_import_and_report() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    copy_tree(&project_root().join("tests/fixtures/trust"), &root);
    let issued = issue_codes(&root);
    let out = dir.path().join("output");
    handbook_in(&root, &["build", "--out", &out.to_string_lossy()], b"");
    let home = std::fs::read_to_string(out.join("course/index.html")).unwrap();
    let behaviour = course_data(&home, "behaviour");
    let safeguarding = course_data(&home, "safeguarding");
    assert!(
        !home.contains("course-data-accessibility"),
        "the read-only policy has no course"
    );
    let site_id = "oak-trust";

    let mut token = String::new();
    super::run_on(
        "personal_link_course_token_import_and_report",
        &out,
        Needs::Browser,
        async |b| {
            // 1. The personal link: signed in, and the code leaves the address bar.
            let link = format!("{}course/index.html{}", b.base, issued.link);
            b.goto(&link).await;
            b.wait_visible("#identity-status").await;
            let address = b.current_url().await;
            assert!(
                !address.contains('#') && !address.contains("code="),
                "the address bar no longer holds the code: {address}"
            );
            assert!(address.ends_with("/course/index.html"), "{address}");
            assert_eq!(text_of(b, "identity-who").await, issued.login);
            assert!(
                text_of(b, "identity-status")
                    .await
                    .starts_with("Signed in for this browser session as T042#2"),
                "{}",
                text_of(b, "identity-status").await
            );
            let kept = b
                .js(
                    "var code = arguments[1].replace(/-/g, '');\
                     var inLocal = false;\
                     for (var i = 0; i < localStorage.length; i++) {\
                       var v = localStorage.getItem(localStorage.key(i)) || '';\
                       if (v.replace(/-/g, '').indexOf(code) >= 0) { inLocal = true; }\
                     }\
                     return [sessionStorage.getItem('handbook-identity:' + arguments[0]), inLocal];",
                    vec![site_id.into(), issued.code.clone().into()],
                )
                .await;
            let kept: (Option<String>, bool) = serde_json::from_value(kept).unwrap();
            let session: serde_json::Value =
                serde_json::from_str(&kept.0.expect("the code is kept in sessionStorage")).unwrap();
            assert_eq!(session["id"], issued.login);
            assert_eq!(session["code"], issued.code);
            assert!(!kept.1, "the code is never in localStorage");

            // 2. Typing the details instead: a typo is reported at once.
            b.click("#identity-change").await;
            b.wait_visible("#identity-form").await;
            assert_eq!(
                b.focused_id().await,
                "identity-id",
                "Sign out focuses the id field"
            );
            let gone = b
                .js(
                    "return sessionStorage.getItem('handbook-identity:' + arguments[0]);",
                    vec![site_id.into()],
                )
                .await;
            assert!(gone.is_null(), "Sign out forgets the code");
            type_into(b, "identity-id", &issued.login).await;
            let typo = with_wrong_check_symbol(&issued.code);
            let typed = Instant::now();
            type_into(b, "identity-code", &typo).await;
            // No waiting, no leaving the field: the message is there already.
            let status = text_of(b, "identity-code-status").await;
            assert!(
                status.starts_with("This code has a typing mistake: check each character"),
                "a wrong check symbol is reported as it is typed: {status:?}"
            );
            assert!(typed.elapsed() < Duration::from_secs(10));
            assert_eq!(attr_of(b, "identity-code", "aria-invalid").await, "true");
            assert_eq!(
                attr_of(b, "identity-code-status", "aria-live").await,
                "polite"
            );
            assert_eq!(b.focused_id().await, "identity-code");
            // Pressing on anyway keeps the reader on the code.
            b.click("#identity-submit").await;
            assert_eq!(b.focused_id().await, "identity-code");
            assert!(b.find_all("#identity-status").await.is_empty());

            // An incomplete code says how much is missing when the reader leaves it.
            let partial: String = issued.code.chars().take(14).collect(); // 12 symbols
            type_into(b, "identity-code", &partial).await;
            assert_eq!(text_of(b, "identity-code-status").await, "");
            b.click("#identity-id").await;
            let status = text_of(b, "identity-code-status").await;
            assert!(
                status.contains("17 characters are missing"),
                "an incomplete code says how many characters are missing: {status:?}"
            );

            // The right code, in lower case without dashes, is accepted.
            let relaxed = issued.code.replace('-', "").to_lowercase();
            type_into(b, "identity-code", &relaxed).await;
            assert_eq!(
                text_of(b, "identity-code-status").await,
                "This code looks right."
            );
            b.click("#identity-submit").await;
            b.wait_visible("#identity-status").await;
            assert_eq!(b.focused_id().await, "identity-status");
            assert_eq!(text_of(b, "identity-who").await, issued.login);

            // 3. One policy's course: both behaviour modules passed, its
            // declaration signed. Nothing of it counts for safeguarding.
            assert_eq!(course_state(b, "behaviour").await, "0/2");
            assert_eq!(course_state(b, "safeguarding").await, "0/1");
            let urls = b
                .js(
                    "return Array.prototype.map.call(\
                       document.querySelectorAll('#course-behaviour [data-module] a[href]'),\
                       function (a) { return a.href; });",
                    vec![],
                )
                .await;
            let urls: Vec<String> = serde_json::from_value(urls).unwrap();
            assert_eq!(urls.len(), 2, "behaviour's two modules: {urls:?}");
            for url in &urls {
                assert!(url.contains("/course/behaviour/"), "{url}");
                quiz::pass_module(b, url).await;
            }
            assert_eq!(course_state(b, "behaviour").await, "2/2");
            assert_eq!(course_state(b, "safeguarding").await, "0/1");
            b.open("course/behaviour/declaration.html").await;
            b.wait_visible("#declaration-confirm").await;
            b.click("#declaration-confirm").await;
            b.click("#declaration-submit").await;
            b.wait_visible("#token-text").await;
            assert_eq!(
                b.focused_id().await,
                "token-heading",
                "focus moves to the token's heading after signing"
            );
            token = b
                .js(
                    "return document.getElementById('token-text').value;",
                    vec![],
                )
                .await
                .as_str()
                .expect("the token's text")
                .to_string();
            assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
            assert_eq!(
                header_of(&token),
                r#"{"alg":"HS256","typ":"JWT","kid":"T042#2"}"#
            );
            let claims = claims_of(&token);
            assert_eq!(claims["iss"], "oak-trust/behaviour");
            assert_eq!(claims["sub"], "T042");
            assert_eq!(
                claims["pv"], behaviour["version"],
                "behaviour's own version"
            );
            assert_ne!(claims["pv"], safeguarding["version"]);
            let mods: Vec<&String> = claims["mods"].as_object().unwrap().keys().collect();
            assert_eq!(mods, ["rewards", "sanctions"]);
            assert_eq!(claims["decl"], true);
            assert_eq!(attr_of(b, "token-text", "readonly").await, "readonly");

            // The three ways to send it, e-mailing the office first and
            // the only filled button.
            let order = b
                .js(
                    "return Array.from(document.querySelectorAll('.token-actions li > *'))\
                     .map(function (e) { return e.id + ':' + e.className; }).join(' ');",
                    vec![],
                )
                .await;
            assert_eq!(
                order.as_str().unwrap(),
                "token-email:button token-copy:button button--secondary token-download:button-link"
            );
            let download = attr_of(b, "token-download", "download").await;
            assert!(download.ends_with(".txt"), "{download}");
            assert!(
                attr_of(b, "token-download", "href")
                    .await
                    .starts_with("blob:")
            );
            let mail = attr_of(b, "token-email", "href").await;
            assert!(
                mail.starts_with(&format!(
                    "mailto:{TRUST_OFFICE}?subject=Behaviour%20Policy%20completion"
                )),
                "{mail}"
            );
            assert!(mail.contains(&token), "the e-mail holds the token");
            assert!(
                mail.len() < 1500,
                "mailto link of {} characters",
                mail.len()
            );
            b.click("#token-copy").await;
            b.wait_until(
                "/Copied|press Ctrl\\+C/.test(document.getElementById('token-live').textContent)",
                "the copy to be announced",
            )
            .await;

            // The same token after a reload; the course home shows behaviour
            // complete and safeguarding still to do.
            b.open("course/behaviour/declaration.html").await;
            b.wait_visible("#token-text").await;
            let again = b
                .js(
                    "return document.getElementById('token-text').value;",
                    vec![],
                )
                .await;
            assert_eq!(again.as_str(), Some(token.as_str()), "the token is stable");
            assert_eq!(course_state(b, "behaviour").await, "complete");
            assert_eq!(course_state(b, "safeguarding").await, "0/1");
            b.open("course/safeguarding/declaration.html").await;
            b.wait_visible("#declaration-locked").await;
        },
    );
    if token.is_empty() {
        return; // skipped: no browser
    }

    // 4. The office imports the token from a pasted e-mail, and reports.
    let mail = format!(
        "From: Sam Example <sam@school.example>\nSubject: Behaviour Policy completion\n\n\
         Please record my completion. My completion token:\n\n{token}\n\nThanks, Sam\n"
    );
    let imported = handbook_in(&root, &["import", "-"], mail.as_bytes());
    let said = text(&imported);
    assert!(said.contains("1 new"), "{said}");
    handbook_in(&root, &["report", "--csv", "report.csv"], b"");
    let csv = std::fs::read_to_string(root.join("report.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, policy, status) = (column("id"), column("policy"), column("status"));
    let mut statuses: Vec<(String, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[id].to_string(),
                r[policy].to_string(),
                r[status].to_string(),
            )
        })
        .collect();
    statuses.sort();
    let row = |i: &str, p: &str, s: &str| (i.to_string(), p.to_string(), s.to_string());
    assert_eq!(
        statuses,
        [
            row("T001", "behaviour", "due"),
            row("T001", "safeguarding", "due"),
            row("T042", "behaviour", "complete"),
            row("T042", "safeguarding", "due"),
            row("T107", "behaviour", "due"),
        ],
        "one row per person and required policy (the volunteer needs no \
         safeguarding, nobody on the roster is a governor):\n{csv}"
    );
}
