//! A spreadsheet roster (`.xlsx`, and the `.xls` and `.ods` that calamine
//! also reads) made rows of text, so it is read as the CSV would be: a
//! date cell becomes an ISO date, a whole number loses its `.0`.

use std::io::Cursor;

use calamine::{Data, Reader as _};

use super::decode::Row;

/// True when `bytes` look like a spreadsheet file rather than text: a ZIP
/// archive (`.xlsx`, `.ods`) or an OLE compound file (`.xls`).
pub(super) fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0])
}

/// Every worksheet of the spreadsheet in `bytes`, by name, with its
/// non-blank rows (each with its spreadsheet row number); the reader's
/// complaint when it is not a spreadsheet.
pub(super) fn sheets(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, String> {
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (name, range) in workbook.worksheets() {
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let first_row = usize::try_from(first_row).unwrap_or(0);
        let first_col = usize::try_from(first_col).unwrap_or(0);
        let rows = range
            .rows()
            .enumerate()
            .filter_map(|(i, cells)| {
                let cells: Vec<String> = std::iter::repeat_n(String::new(), first_col)
                    .chain(cells.iter().map(text))
                    .collect();
                cells.iter().any(|c| !c.trim().is_empty()).then(|| Row {
                    line: first_row + i + 1,
                    cells,
                })
            })
            .collect();
        out.push((name, rows));
    }
    Ok(out)
}

/// A cell as the CSV export of it would read.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        // Exactly a whole number (as a payroll number typed into Excel is).
        #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(date) if date.is_datetime() => {
            let (year, month, day, ..) = date.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTime(date) => date.as_f64().to_string(),
        Data::Error(err) => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_a_csv_export_would() {
        assert_eq!(text(&Data::Float(123.0)), "123");
        assert_eq!(text(&Data::Float(1.5)), "1.5");
        assert_eq!(text(&Data::Int(42)), "42");
        assert_eq!(text(&Data::String("Zoë".into())), "Zoë");
        let date =
            calamine::ExcelDateTime::new(45_901.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(date)), "2025-09-01");
    }

    #[test]
    fn text_is_not_a_spreadsheet() {
        assert!(!is_spreadsheet(b"id,name\n"));
        assert!(is_spreadsheet(b"PK\x03\x04rest"));
        assert!(sheets(b"PK\x03\x04 not really").is_err());
    }
}
