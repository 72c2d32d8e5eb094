//! Fuzz target: see `reprint_fuzz::check_normalize`.

fn main() {
    afl::fuzz!(|data: &[u8]| reprint_fuzz::check_normalize(data));
}
