//! Tests of `quiz`.
use super::*;

const GOOD: &str = "module: behaviour
title: Behaviour online
questions:
  - id: friend
    prompt: A former pupil sends a friend request. What do you do?
    kind: single
    options:
      - text: Accept it.
      - text: Decline and report it.
        correct: true
    explain: Staff must not friend past pupils.
    policy_ref: roles#staff
  - id: anon
    prompt: Anonymous posts are encouraged.
    kind: true_false
    answer: false
    explain: Users must declare who they are.
    policy_ref: behaviour#declare
";

fn errors(text: &str) -> String {
    parse(Path::new("quizzes/q.yaml"), text, 80)
        .unwrap_err()
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn parses_a_good_quiz() {
    let quiz = parse(Path::new("quizzes/q.yaml"), GOOD, 80).unwrap();
    assert_eq!(quiz.pass_mark, 80);
    assert_eq!(quiz.ref_lines, [12, 18]);
    let choices = quiz.questions[1].choices();
    assert_eq!(choices.len(), 2);
    assert!(choices[1].correct);
}

#[test]
fn duplicate_id_names_the_second_line() {
    let text = GOOD.replace("id: anon", "id: friend");
    assert!(
        errors(&text).contains("quizzes/q.yaml:13: question id `friend` is used twice"),
        "{}",
        errors(&text)
    );
}

#[test]
fn single_needs_exactly_one_correct() {
    let text = GOOD.replace(
        "      - text: Accept it.\n",
        "      - text: Accept it.\n        correct: true\n",
    );
    assert!(
        errors(&text)
            .contains("quizzes/q.yaml:7: question `friend` is `single` but has 2 correct options"),
        "{}",
        errors(&text)
    );
}

#[test]
fn multiple_needs_a_correct_option() {
    let text = GOOD
        .replace("kind: single", "kind: multiple")
        .replace("        correct: true\n", "");
    assert!(
        errors(&text).contains("is `multiple` but no option is correct"),
        "{}",
        errors(&text)
    );
}

#[test]
fn empty_prompt_and_option() {
    let text = GOOD.replace("prompt: Anonymous posts are encouraged.", "prompt: \"\"");
    assert!(
        errors(&text).contains("quizzes/q.yaml:14: question `anon` has an empty prompt"),
        "{}",
        errors(&text)
    );
    let text = GOOD.replace("text: Accept it.", "text: \" \"");
    assert!(
        errors(&text).contains("option 1 is empty"),
        "{}",
        errors(&text)
    );
}

#[test]
fn pass_mark_out_of_range() {
    let text = GOOD.replace(
        "title: Behaviour online",
        "title: Behaviour online\npass_mark: 101",
    );
    assert!(
        errors(&text).contains("quizzes/q.yaml:3: pass mark 101 is outside 0–100"),
        "{}",
        errors(&text)
    );
}

#[test]
fn unknown_keys_and_kinds() {
    assert!(errors(&GOOD.replace("kind: single", "kind: essay")).contains("quizzes/q.yaml:6"));
    assert!(
        errors(&GOOD.replace("explain: Users", "explan: Users")).contains("unknown field `explan`")
    );
}

#[test]
fn true_false_rules() {
    let text = GOOD.replace("    answer: false\n", "");
    assert!(
        errors(&text).contains("has no `answer`"),
        "{}",
        errors(&text)
    );
}

/// The true_false question of [`GOOD`], written with options.
fn with_options(options: &str) -> String {
    GOOD.replace("    answer: false\n", &format!("    options:\n{options}"))
}

#[test]
fn true_false_may_be_written_with_two_options() {
    let text = with_options("      - text: True\n      - text: False\n        correct: true\n");
    let quiz = parse(Path::new("quizzes/q.yaml"), &text, 80).unwrap();
    let q = &quiz.questions[1];
    assert_eq!(q.answer, Some(false));
    assert!(q.options.is_empty());
    let choices = q.choices();
    assert_eq!(
        (
            choices[0].text.as_str(),
            choices[0].correct,
            choices[1].correct
        ),
        ("True", false, true)
    );
    // Either order and any letter case; `True` marked right.
    let text =
        with_options("      - text: false\n      - text: \"TRUE \"\n        correct: true\n");
    let quiz = parse(Path::new("quizzes/q.yaml"), &text, 80).unwrap();
    assert_eq!(quiz.questions[1].answer, Some(true));
}

#[test]
fn true_false_options_must_be_true_and_false_with_one_correct() {
    let text = with_options("      - text: Yes\n        correct: true\n      - text: No\n");
    assert!(
            errors(&text).contains("quizzes/q.yaml:16: question `anon` is true_false, so its options must be True and False"),
            "{}",
            errors(&text)
        );
    let text = with_options("      - text: True\n      - text: False\n");
    assert!(
        errors(&text).contains("is true_false but has 0 correct options"),
        "{}",
        errors(&text)
    );
    let text = with_options(
        "      - text: True\n        correct: true\n      - text: False\n        correct: true\n",
    );
    assert!(
        errors(&text).contains("has 2 correct options"),
        "{}",
        errors(&text)
    );
    let text = GOOD.replace(
            "    answer: false\n",
            "    answer: false\n    options:\n      - text: True\n      - text: False\n        correct: true\n",
        );
    assert!(
        errors(&text).contains("gives both `answer` and options"),
        "{}",
        errors(&text)
    );
}

#[test]
fn references_are_checked() {
    let quiz = parse(Path::new("quizzes/q.yaml"), GOOD, 80).unwrap();
    let modules: HashSet<String> = ["behaviour".to_string()].into();
    let resolve = |r: &str| {
        if r == "roles#staff" {
            Ok(())
        } else {
            Err(("no such anchor".to_string(), "fix it".to_string()))
        }
    };
    let problems = validate_refs(std::slice::from_ref(&quiz), &modules, &resolve);
    assert_eq!(problems.len(), 1);
    // The line of `policy_ref:`, not of the question's `- id:`.
    assert!(
        problems[0].to_string().contains(
            "quizzes/q.yaml:18: question `anon`: policy_ref `behaviour#declare` no such anchor"
        ),
        "{}",
        problems[0]
    );
    let problems = validate_refs(&[quiz], &HashSet::new(), &|_| Ok(()));
    assert!(
        problems[0]
            .to_string()
            .contains("module `behaviour` has no policy pages")
    );
}
