//! An ordered, bounded parallel map: items are read on the calling thread in
//! chunks, each chunk is mapped on a rayon pool (with its number, counting
//! from 0), and the results are handed
//! back in input order while the next chunks are read.
//!
//! Invariants: at most `in_flight` chunks are read but not yet consumed, so
//! memory stays bounded whatever the input; `consume` sees the chunks in
//! input order, whatever order the pool finishes them in; the first error,
//! of reading or of `consume`, stops the map and is returned.
//!
//! Why not a crate: `rayon`'s `par_bridge` loses the order and needs a `Send`
//! iterator (standard input is not), and the ordered parallel iterators of
//! other crates (`pariter`, `ordered-channel`) run threads of their own, while
//! this must run on the scan's pool: its size is the `threads` setting, and
//! the story stage reads the counts each of its threads keeps.

use std::collections::BTreeMap;
use std::time::Instant;

/// Maps `items` chunk by chunk on `pool` and hands each chunk with its result
/// to `consume`, in input order. Returns the seconds spent reading `items`.
///
/// # Errors
/// The first error of `items` or of `consume`.
pub(super) fn map_chunks_in_order<T, R, E>(
    pool: &rayon::ThreadPool,
    items: &mut impl Iterator<Item = Result<T, E>>,
    chunk_len: usize,
    in_flight: usize,
    map: &(impl Fn(usize, &mut [T]) -> R + Sync),
    mut consume: impl FnMut(Vec<T>, R) -> Result<(), E>,
) -> Result<f64, E>
where
    T: Send,
    R: Send,
{
    let mut reading = 0.0;
    pool.in_place_scope(|scope| -> Result<(), E> {
        let (done, finished) = std::sync::mpsc::channel::<(usize, Vec<T>, R)>();
        // Chunks mapped but not yet consumed, by number, so they go in order.
        let mut waiting = BTreeMap::new();
        let (mut sent, mut consumed) = (0usize, 0usize);
        let mut input_left = true;
        while input_left || consumed < sent {
            if input_left && sent - consumed < in_flight.max(1) {
                let clock = Instant::now();
                let chunk: Vec<T> = items
                    .by_ref()
                    .take(chunk_len.max(1))
                    .collect::<Result<_, E>>()?;
                reading += clock.elapsed().as_secs_f64();
                if chunk.is_empty() {
                    input_left = false;
                    continue;
                }
                let done = done.clone();
                let number = sent;
                scope.spawn(move |_| {
                    let mut chunk = chunk;
                    let result = map(number, &mut chunk);
                    // Fails only when the map stopped on an error.
                    let _ = done.send((number, chunk, result));
                });
                sent += 1;
                continue;
            }
            let (number, chunk, result) = finished
                .recv()
                .expect("a spawned chunk always reports back");
            waiting.insert(number, (chunk, result));
            while let Some((chunk, result)) = waiting.remove(&consumed) {
                consume(chunk, result)?;
                consumed += 1;
            }
        }
        Ok(())
    })?;
    Ok(reading)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn chunks_come_back_in_input_order_when_later_ones_finish_first() {
        let mut items = (0..100u32).map(Ok::<u32, String>);
        let mut seen = Vec::new();
        // Early chunks sleep longest, so the pool finishes them last.
        let map = |number: usize, chunk: &mut [u32]| {
            assert_eq!(
                chunk[0] as usize,
                number * 7,
                "chunks are numbered in input order"
            );
            std::thread::sleep(std::time::Duration::from_millis(u64::from(
                20u32.saturating_sub(chunk[0] / 5),
            )));
            chunk.iter().map(|x| x * 2).collect::<Vec<u32>>()
        };
        map_chunks_in_order(&pool(4), &mut items, 7, 4, &map, |chunk, doubled| {
            assert_eq!(doubled, chunk.iter().map(|x| x * 2).collect::<Vec<_>>());
            seen.extend(chunk);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn reading_stays_at_most_in_flight_chunks_ahead() {
        let read = Cell::new(0usize);
        let mut items = (0..1000u32).map(|x| {
            read.set(read.get() + 1);
            Ok::<u32, String>(x)
        });
        let (chunk_len, in_flight) = (10, 3);
        let mut consumed = 0;
        let mut most_ahead = 0;
        map_chunks_in_order(
            &pool(2),
            &mut items,
            chunk_len,
            in_flight,
            &|_, chunk: &mut [u32]| chunk.len(),
            |chunk, _| {
                most_ahead = most_ahead.max(read.get() - consumed);
                consumed += chunk.len();
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(consumed, 1000);
        assert!(
            most_ahead <= in_flight * chunk_len,
            "{most_ahead} items read ahead"
        );
    }

    #[test]
    fn the_first_error_stops_the_map() {
        let mut items = (0..100u32).map(|x| {
            if x == 35 {
                Err(format!("bad item {x}"))
            } else {
                Ok(x)
            }
        });
        let mut consumed = Vec::new();
        let result = map_chunks_in_order(
            &pool(2),
            &mut items,
            10,
            2,
            &|_, _: &mut [u32]| (),
            |chunk, ()| {
                consumed.extend(chunk);
                Ok(())
            },
        );
        assert_eq!(result, Err("bad item 35".to_string()));
        assert!(consumed.iter().all(|&x| x < 30), "{consumed:?}");
        let mut items = (0..100u32).map(Ok::<u32, String>);
        let result = map_chunks_in_order(
            &pool(2),
            &mut items,
            10,
            2,
            &|_, _: &mut [u32]| (),
            |chunk, ()| {
                if chunk[0] == 20 {
                    return Err("stop at 20".to_string());
                }
                Ok(())
            },
        );
        assert_eq!(result, Err("stop at 20".to_string()));
    }
}
