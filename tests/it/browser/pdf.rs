//! Printing the open page to PDF in Chromium (WebDriver "Print Page", A4)
//! and counting the sheets, for the print tests of the policy and of the
//! evidence summary.

use fantoccini::wd::{PrintConfiguration, PrintMargins, PrintOrientation, PrintSize};

use super::Browser;

/// The pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree
/// nor a `/PageLabel`).
pub fn pages(pdf: &[u8]) -> usize {
    let mut pages = 0;
    let mut at = 0;
    while let Some(found) = pdf[at..].windows(5).position(|w| w == b"/Type") {
        let mut i = at + found + 5;
        while pdf.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if pdf[i..].starts_with(b"/Page") && !pdf.get(i + 5).is_some_and(u8::is_ascii_alphanumeric)
        {
            pages += 1;
        }
        at = i;
    }
    pages
}

/// Prints the open page on A4 with `margins` (centimetres; WebDriver's
/// 1 cm when `None`) and gives the PDF.
pub async fn print_a4(
    b: &Browser,
    orientation: PrintOrientation,
    margins: Option<PrintMargins>,
) -> Vec<u8> {
    let mut config = PrintConfiguration::builder()
        .size(PrintSize::A4)
        .orientation(orientation);
    if let Some(margins) = margins {
        config = config.margins(margins);
    }
    let config = config.build().expect("a print configuration");
    let pdf = b.client.print(config).await.expect("printing to PDF");
    assert!(pdf.starts_with(b"%PDF-"), "Print Page gives a PDF");
    pdf
}

#[test]
fn pages_are_counted_from_page_objects_not_the_tree() {
    let pdf = b"<< /Type /Catalog /Pages 2 0 R >> << /Type /Pages /Kids [3 0 R 4 0 R] >> \
                << /Type /Page /Parent 2 0 R >> << /Type/Page >> << /Type /PageLabel >>";
    assert_eq!(pages(pdf), 2);
    assert_eq!(pages(b"%PDF-1.7 nothing"), 0);
}
