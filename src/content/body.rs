//! A page's Markdown as it is kept between reading and rendering:
//! compressed (LZ4, about half the size, read back at gigabytes a
//! second). In a large library the sources are most of a build's memory,
//! and each is needed only when its page, and its policy's printable page,
//! are rendered.

use std::fmt;

/// Markdown, kept compressed.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Body {
    packed: Vec<u8>,
}

impl Body {
    /// Keeps `text`.
    pub(crate) fn new(text: &str) -> Body {
        Body {
            packed: lz4_flex::compress_prepend_size(text.as_bytes()),
        }
    }

    /// The text kept.
    pub(crate) fn text(&self) -> String {
        // Only `new` makes the bytes, from a `str`: they always unpack to
        // valid UTF-8, so the empty fallback is never taken.
        lz4_flex::decompress_size_prepended(&self.packed)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body({:?})", self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_comes_back_as_it_was() {
        for text in ["", "# Title\n\nSome *Markdown*.\n", "ffôn – “quoted” 🙂\n"] {
            assert_eq!(Body::new(text).text(), text);
        }
    }

    #[test]
    fn a_long_page_is_kept_in_less_room_than_its_text() {
        let text = "Staff must report every concern to the designated lead. ".repeat(200);
        let body = Body::new(&text);
        assert!(
            body.packed.len() * 2 < text.len(),
            "{} of {}",
            body.packed.len(),
            text.len()
        );
        assert_eq!(body.text(), text);
    }
}
