//! Fuzzes the bundle reader: any bytes given to `plansmith verify`, `diff` or `import` must
//! give a clean result or a clean error, never a panic, a hang or an unbounded allocation.
//! `fuzz/seeds` holds a real signed bundle and the hostile archives of the tests; add more
//! real bundles there (`plansmith export demo.plansmith --out fuzz/seeds/demo.zip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plansmith_core::bundle::read::read_archive;
use plansmith_core::bundle::{Bundle, Limits, verify};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the code paths are the same as with the defaults.
    let limits = Limits { archive_bytes: 4 << 20, entry_bytes: 16 << 20, total_bytes: 32 << 20, ..Limits::default() };
    if read_archive(data, &limits).is_ok() {
        let _ = Bundle::from_bytes(data, &limits);
        let _ = verify(data, None, &limits);
    }
});
