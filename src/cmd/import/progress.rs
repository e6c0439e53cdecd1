//! The progress bar of a long import, drawn on standard error only when it
//! is a terminal and only once an import has taken a second; elsewhere (a
//! log, a test) a plain line every 10,000 tokens.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use handbook::records::ledger::import::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// An import shorter than this shows no bar.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// Without a terminal, a line every this many tokens.
const PLAIN_EVERY: usize = 10_000;

/// Shows how far an import has got.
pub(super) struct Bar {
    bar: ProgressBar,
    started: Instant,
    terminal: bool,
    drawn: bool,
    checked: usize,
}

impl Bar {
    /// A bar for inputs of `total` bytes (0 when not known, as for
    /// standard input).
    pub(super) fn new(total: u64) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{spinner} [{bar:30}] {bytes}/{total_bytes} read, {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        Bar {
            bar,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
            checked: 0,
        }
    }

    /// Shows the bar once the import has taken long enough.
    fn update(&mut self) {
        if self.terminal && !self.drawn && self.started.elapsed() >= QUIET_FOR {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(200));
            self.drawn = true;
        }
        self.bar
            .set_message(format!("{} tokens checked", self.checked));
    }

    /// Takes the bar off the screen, before the results are printed.
    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn bytes_read(&mut self, bytes: u64) {
        self.bar.inc(bytes);
        self.update();
    }

    fn tokens_checked(&mut self, checked: usize) {
        self.checked = checked;
        if !self.terminal && checked > 0 && checked.is_multiple_of(PLAIN_EVERY) {
            eprintln!("… {checked} tokens checked");
        }
        self.update();
    }
}
