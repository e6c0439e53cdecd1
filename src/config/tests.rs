use super::*;

const GOOD: &str = "id: demo\norganisation: Demo Trust\npolicies:\n  social-media:\n    \
                    title: Social Media Policy\n    version: v1\n    reviewed: 2025-01\n    \
                    next_review: 2027-01-31\n";

fn refused(text: &str) -> Vec<Diagnostic> {
    match SiteConfig::parse(text) {
        Err(Error::Input(problems)) => problems,
        other => panic!("refused: {other:?}"),
    }
}

#[test]
fn parses_a_minimal_config_with_defaults() {
    let config = SiteConfig::parse(GOOD).unwrap();
    assert_eq!(config.id, "demo");
    assert_eq!(config.title, "Policy handbook");
    assert_eq!(config.theme, "default");
    assert_eq!(config.course.pass_mark, 80);
    let policy = &config.policies[0];
    assert_eq!(policy.id, "social-media");
    assert_eq!(policy.reviewed.display(), "January 2025");
    assert_eq!(policy.next_review.display(), "31 January 2027");
    assert_eq!(policy.next_review.iso(), "2027-01-31");
    assert_eq!(policy.required_for, ["all"]);
    assert_eq!(policy.due_days, 30);
    assert_eq!(policy.renew_months, None);
    assert!(policy.is_required_for("Teacher"));
}

#[test]
fn policies_keep_their_order_and_settings() {
    let text = format!(
        "{GOOD}    owner: Chief Executive Officer\n    required_for: [Teacher, ' TA ']\n    \
         due_days: 14\n    renew_months: 12\n  behaviour:\n    title: Behaviour\n    \
         version: v2\n    reviewed: 2025-09\n    next_review: 2026-09\n  \
         accessibility:\n    title: Accessibility\n    version: v1\n    \
         reviewed: 2024-01\n    next_review: 2027-01\n"
    );
    let config = SiteConfig::parse(&text).unwrap();
    let ids: Vec<&str> = config.policies.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["social-media", "behaviour", "accessibility"]);
    let policy = config.policy("social-media").unwrap();
    assert_eq!(policy.owner, "Chief Executive Officer");
    assert!(policy.is_required_for("teacher"));
    assert!(policy.is_required_for("ta"), "trimmed, any case");
    assert!(!policy.is_required_for("Cleaner"));
    assert_eq!((policy.due_days, policy.renew_months), (14, Some(12)));
    assert_eq!(
        config.policy_list(),
        "`social-media`, `behaviour`, `accessibility`"
    );
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    let err = SiteConfig::parse(&format!("colour: blue\n{GOOD}")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("site.yaml:1"), "{text}");
    assert!(text.contains("unknown field `colour`"), "{text}");
    // One inside a policy is told what a policy takes.
    let problems = refused(&format!("{GOOD}    colour: blue\n"));
    assert_eq!(problems[0].line, Some(9), "{problems:?}");
    assert!(problems[0].message.contains("unknown field `colour`"));
    assert!(
        problems[0]
            .help
            .as_deref()
            .unwrap()
            .contains("required_for"),
        "{problems:?}"
    );
    // v1's one-policy keys are not kept.
    let problems = refused(&format!("{GOOD}version: v1\n"));
    assert!(problems[0].message.contains("unknown field `version`"));
}

#[test]
fn a_site_without_policies_is_told_how_to_list_them() {
    let problems = refused("id: demo\norganisation: Demo Trust\n");
    assert!(problems[0].message.contains("missing field `policies`"));
    assert!(problems[0].help.as_deref().unwrap().contains("policies:"));
    let problems = refused("id: demo\norganisation: Demo Trust\npolicies: {}\n");
    assert_eq!(problems[0].message, "no policies are listed");
    assert_eq!(problems[0].line, Some(3));
}

#[test]
fn policy_ids_and_settings_are_checked_at_their_lines() {
    for (from, to, line, says) in [
        (
            "social-media:",
            "Social Media:",
            4,
            "policy id `Social Media` is not valid",
        ),
        ("social-media:", "course:", 4, "a name the site needs"),
        (
            "title: Social Media Policy",
            "title: ''",
            5,
            "`title` is empty",
        ),
        (
            "next_review: 2027-01-31",
            "next_review: 2024-12",
            8,
            "is not after",
        ),
    ] {
        let problems = refused(&GOOD.replace(from, to));
        assert_eq!(problems.len(), 1, "{to}: {problems:?}");
        assert_eq!(problems[0].line, Some(line), "{to}: {problems:?}");
        assert!(problems[0].message.contains(says), "{to}: {problems:?}");
    }
    for (extra, says) in [
        ("    due_days: 0\n", "due_days 0 is outside 1–366"),
        ("    renew_months: 500\n", "renew_months 500"),
        ("    required_for: []\n", "names nobody"),
    ] {
        let problems = refused(&format!("{GOOD}{extra}"));
        assert_eq!(problems[0].line, Some(9), "{extra}: {problems:?}");
        assert!(problems[0].message.contains(says), "{problems:?}");
    }
    let problems = refused(&format!(
        "{GOOD}  social-media:\n    title: A\n    version: v\n    reviewed: 2025-01\n    \
         next_review: 2026-01\n"
    ));
    assert!(problems[0].message.contains("listed twice"), "{problems:?}");
    let problems = refused(&GOOD.replace("id: demo", "id: demo/policy"));
    assert!(problems[0].message.contains("site id `demo/policy`"));
}

#[test]
fn a_policy_needs_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(CONFIG_FILE), GOOD).unwrap();
    let Err(Error::Input(problems)) = SiteConfig::load(dir.path()) else {
        panic!("a policy without its folder is refused");
    };
    assert_eq!(problems[0].line, Some(4));
    assert_eq!(
        problems[0].message,
        "policy `social-media` has no folder content/social-media/"
    );
    std::fs::create_dir_all(dir.path().join("content/social-media")).unwrap();
    assert!(SiteConfig::load(dir.path()).is_ok());
}

#[test]
fn bad_date_and_order_are_errors() {
    let err = SiteConfig::parse(&GOOD.replace("2025-01", "Jan 2025")).unwrap_err();
    assert!(err.to_string().contains("not a date"), "{err}");
}

#[test]
fn a_bad_date_is_shown_on_its_own_line() {
    // A comment first, as in the real site.yaml; other lines hold the
    // same digits.
    let text = format!("# Settings\n{GOOD}").replace("version: v1", "version: 2025");
    for (from, to, line) in [
        ("reviewed: 2025-01", "reviewed: 2025-13", 8),
        ("reviewed: 2025-01", "reviewed: 2025", 8),
        ("reviewed: 2025-01", "reviewed: \"2025-02-30\"  # typo", 8),
        ("next_review: 2027-01-31", "next_review: 2027-13", 9),
    ] {
        let problems = refused(&text.replace(from, to));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(line), "{to}: {problems:?}");
        assert!(
            problems[0].message.ends_with("` is not a date"),
            "{problems:?}"
        );
        let help = problems[0].help.as_deref().unwrap_or("");
        assert!(help.contains("(2027-01)"), "{help}");
    }
}

#[test]
fn pass_mark_out_of_range_is_an_error() {
    let err = SiteConfig::parse(&format!("course:\n  pass_mark: 120\n{GOOD}")).unwrap_err();
    assert!(err.to_string().contains("site.yaml:2"), "{err}");
}

#[test]
fn review_dates_parse_both_forms() {
    assert!(ReviewDate::parse("2027-13").is_none());
    assert!(ReviewDate::parse("27-01").is_none());
    assert_eq!(ReviewDate::parse("2027-02").unwrap().iso(), "2027-02");
}

#[test]
fn the_mail_server_is_checked_at_its_lines() {
    let good = format!(
        "smtp:\n  host: smtp.example.org\n  from: Office <office@example.org>\n  username: office\n{GOOD}"
    );
    let smtp = SiteConfig::parse(&good).unwrap().smtp.unwrap();
    assert_eq!(smtp.port, 587, "the submission port unless given");
    assert_eq!(smtp.username.as_deref(), Some("office"));
    assert!(SiteConfig::parse(GOOD).unwrap().smtp.is_none());

    let bad = format!("smtp:\n  host: smtp example\n  port: 0\n  from: the office\n{GOOD}");
    let problems = refused(&bad);
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(2), Some(3), Some(4)], "{problems:?}");
    assert!(
        problems[2]
            .message
            .contains("`the office` is not an e-mail address")
    );

    // A password is never written in site.yaml.
    let err = SiteConfig::parse(&format!(
        "smtp:\n  host: smtp.example.org\n  from: office@example.org\n  password: x\n{GOOD}"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown field `password`"), "{err}");
    assert!(err.contains("HANDBOOK_SMTP_PASSWORD"), "{err}");
}

#[test]
fn schools_are_names_or_names_with_their_people() {
    let text = format!(
        "schools:\n  - Hill School\n  - name: Dale School\n    office_email: office@dale.example\n    \
         phone: 01632 960 123\n    dsl: Ms A Khan\n    headteacher: Mr B Jones\n    \
         chair_of_governors: Mrs C Lee\n{GOOD}"
    );
    let config = SiteConfig::parse(&text).unwrap();
    assert_eq!(config.schools, ["Hill School", "Dale School"]);
    let dale = &config.school_contacts[1];
    assert_eq!(dale.office_email.as_deref(), Some("office@dale.example"));
    assert_eq!(dale.person("dsl"), Some("Ms A Khan"));
    assert_eq!(dale.person("chair_of_governors"), Some("Mrs C Lee"));
    assert!(dale.has_contacts() && !config.school_contacts[0].has_contacts());
    let plain = SiteConfig::parse(&format!("schools: [Hill, Dale]\n{GOOD}")).unwrap();
    assert_eq!(plain.schools, ["Hill", "Dale"]);
}

#[test]
fn a_school_with_an_unknown_key_says_what_a_school_takes() {
    let err = SiteConfig::parse(&format!("schools:\n  - name: Hill\n    deputy: X\n{GOOD}"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("deputy"), "{err}");
    assert!(err.contains("chair_of_governors"), "{err}");
}

#[test]
fn logo_and_favicon_are_images_of_the_site() {
    let config =
        SiteConfig::parse(&format!("logo: static/logo.svg\nfavicon: icon.png\n{GOOD}")).unwrap();
    let images: Vec<_> = config.images().collect();
    assert_eq!(
        images,
        [("logo", "static/logo.svg"), ("favicon", "icon.png")]
    );
    let problems = refused(&format!("favicon: https://cdn.example/icon.png\n{GOOD}"));
    assert_eq!(problems[0].line, Some(1), "{problems:?}");
}
