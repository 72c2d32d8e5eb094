//! Progress bars on stderr for long scans (only on a terminal, never with
//! `--quiet`), and the one line that closes them.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use reprint::progress::{Progress, Stage};

/// One bar per stage, replaced when the next starts.
pub(crate) struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub(crate) fn new() -> Self {
        Bars {
            current: Mutex::new(None),
        }
    }

    /// Clears the last bar (on drop) and prints the closing line.
    pub(crate) fn finish(self, summary: &str) {
        drop(self);
        eprintln!("{summary}");
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        // A panic elsewhere cannot leave a bar half drawn: keep going.
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Bars {
    /// Clears the last bar, also when a scan stops on an error: no bar is
    /// left above its message.
    fn drop(&mut self) {
        if let Some(bar) = self.lock().take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bars {
    fn start(&self, stage: Stage, total: Option<u64>) {
        let (message, unit) = match stage {
            Stage::Read => ("reading and sketching", "documents"),
            Stage::Candidates => ("finding candidate pairs", ""),
            Stage::Check => ("verifying and aligning", "pairs"),
        };
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(
                ProgressStyle::with_template(&format!(
                    "{{msg:24}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{elapsed}}, about {{eta}} left)"
                ))
                .expect("the template is valid")
                .progress_chars("=> "),
            ),
            None => {
                let count = if unit.is_empty() {
                    String::new()
                } else {
                    format!("{{pos}} {unit} ")
                };
                ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template(&format!(
                        "{{spinner}} {{msg:24}} {count}({{elapsed}})"
                    ))
                    .expect("the template is valid"),
                )
            }
        };
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Some(previous) = self.lock().replace(bar) {
            previous.finish_and_clear();
        }
    }

    fn advance(&self, units: u64) {
        if let Some(bar) = self.lock().as_ref() {
            bar.inc(units);
        }
    }
}
