//! Fuzz target: see `reprint_fuzz::check_align`.

fn main() {
    afl::fuzz!(|data: &[u8]| reprint_fuzz::check_align(data));
}
