//! One integration-test binary, one module per area (see STYLE.md, section 8).

mod architecture;
mod browser;
mod cli;
mod formats;
mod fuzz_regressions;
mod index;
mod inputs;
mod library;
mod outputs;
mod properties;
mod python;
mod reuse;
mod robustness;
mod saved;
mod serve;
mod util;
