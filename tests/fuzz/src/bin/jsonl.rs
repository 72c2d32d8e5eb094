//! Fuzz target: see `reprint_fuzz::check_jsonl`.

fn main() {
    afl::fuzz!(|data: &[u8]| reprint_fuzz::check_jsonl(data));
}
