//! Text made safe inside HTML: the five characters that could end a text run
//! or an attribute, and JSON that could end a `<script>` element.

use std::borrow::Cow;
use std::io::Write;

/// The entity for a byte that HTML text or an attribute must not hold raw.
fn entity(b: u8) -> Option<&'static [u8]> {
    Some(match b {
        b'&' => b"&amp;",
        b'<' => b"&lt;",
        b'>' => b"&gt;",
        b'"' => b"&quot;",
        b'\'' => b"&#39;",
        _ => return None,
    })
}

/// Writes `text` escaped for HTML text and quoted attributes (the same five
/// characters and entities as Tera), unescaped runs whole.
pub fn escape_into(text: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(entity) = entity(b) {
            out.write_all(&bytes[start..i])?;
            out.write_all(entity)?;
            start = i + 1;
        }
    }
    out.write_all(&bytes[start..])
}

/// `text` escaped for HTML text and quoted attributes.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| entity(b).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len() + 16);
    // Writing to a Vec cannot fail.
    let _ = escape_into(text, &mut out);
    Cow::Owned(String::from_utf8(out).unwrap_or_default())
}

/// A writer that turns every `</` into `<\/`, so that JSON written through
/// it can never end the `<script>` element it sits in (`<\/` means the same
/// to a JSON parser).
pub struct ScriptSafe<W: Write> {
    inner: W,
    after_lt: bool,
}

impl<W: Write> ScriptSafe<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> ScriptSafe<W> {
        ScriptSafe {
            inner,
            after_lt: false,
        }
    }

    /// The wrapped writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            let lt_before = if i == 0 {
                self.after_lt
            } else {
                buf[i - 1] == b'<'
            };
            if b == b'/' && lt_before {
                self.inner.write_all(&buf[start..i])?;
                self.inner.write_all(b"\\")?;
                start = i;
            }
        }
        self.inner.write_all(&buf[start..])?;
        if let Some(&last) = buf.last() {
            self.after_lt = last == b'<';
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `value` as JSON for a `<script type="application/json">` element (or a
/// script's data), `</` escaped.
pub fn script_json(value: &impl serde::Serialize) -> String {
    let mut out = ScriptSafe::new(Vec::new());
    if serde_json::to_writer(&mut out, value).is_err() {
        return "null".to_string();
    }
    String::from_utf8(out.into_inner()).unwrap_or_else(|_| "null".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_characters_become_entities() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jo's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jo&#39;s&lt;/a&gt;"
        );
        assert!(matches!(escape("Zoë"), Cow::Borrowed(_)));
    }

    #[test]
    fn script_data_cannot_end_its_element() {
        let json = script_json(&serde_json::json!({"t": "a </script> b <</ c"}));
        assert!(!json.contains("</"), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], "a </script> b <</ c");
    }

    #[test]
    fn a_split_write_is_escaped_too() {
        let mut out = ScriptSafe::new(Vec::new());
        out.write_all(b"x<").unwrap();
        out.write_all(b"/y").unwrap();
        assert_eq!(out.into_inner(), b"x<\\/y");
    }
}
