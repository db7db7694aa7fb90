//! Work shared among the cores without a thread pool: a handful of large items (columns, files).

/// `work` applied to every item, the items shared among the cores; results in item order.
pub fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> crate::Result<R> + Sync,
) -> crate::Result<Vec<R>> {
    let workers = cores().clamp(1, items.len().max(1));
    if workers == 1 {
        return items.iter().map(work).collect();
    }
    let work = &work;
    // Each worker takes the next item when it is free: items (columns, files) differ a lot in cost.
    let next = &std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, crate::Result<R>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(move || {
                    std::iter::from_fn(|| {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        items.get(i).map(|item| (i, work(item)))
                    })
                    .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker does not panic"))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// The cores this process may use (1 when the system cannot say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How many parts to split rows or text into: one per core, at most eight.
pub fn part_count() -> usize {
    cores().min(8)
}

/// Rows `0..height` as [`part_count`] spans, for [`in_parallel`]; one span below `split_from`
/// rows, where starting threads would cost more than they save.
pub fn row_parts(height: usize, split_from: usize) -> Vec<(usize, usize)> {
    let cores = part_count();
    if height < split_from {
        return vec![(0, height)];
    }
    (0..cores)
        .map(|k| (height * k / cores, height * (k + 1) / cores))
        .collect()
}

/// Like [`in_parallel`], but each item is handed over to `work` (columns to be consumed).
pub fn in_parallel_owned<T: Send, R: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> crate::Result<R> + Sync,
) -> crate::Result<Vec<R>> {
    let items: Vec<std::sync::Mutex<Option<T>>> = items
        .into_iter()
        .map(|i| std::sync::Mutex::new(Some(i)))
        .collect();
    in_parallel(&items, |item| {
        let item = item
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .expect("each item is taken once");
        work(item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn results_keep_item_order_and_the_first_failure_in_order_is_reported() {
        // Later items finish first, so completion order differs from item order.
        let work = |&i: &u64| {
            std::thread::sleep(std::time::Duration::from_millis(40 - 10 * i));
            match i {
                1 | 3 => Err(Error::Usage(format!("item {i} failed"))),
                _ => Ok(i * 10),
            }
        };
        assert_eq!(in_parallel(&[0, 2], work).unwrap(), [0, 20]);
        let error = in_parallel(&[0, 1, 2, 3], work).unwrap_err();
        assert_eq!(
            error.to_string(),
            Error::Usage("item 1 failed".into()).to_string()
        );
        assert_eq!(in_parallel(&[2], work).unwrap(), [20]);
        assert!(in_parallel(&[] as &[u64], work).unwrap().is_empty());
    }

    #[test]
    fn row_parts_cover_every_row_once_in_order() {
        for height in [0, 1, 7, 100_001] {
            let parts = row_parts(height, 0);
            assert_eq!(parts.first().map(|p| p.0), Some(0));
            assert_eq!(parts.last().map(|p| p.1), Some(height));
            assert!(parts.windows(2).all(|w| w[0].1 == w[1].0));
        }
        assert_eq!(row_parts(99, 100), [(0, 99)]);
    }

    #[test]
    fn owned_items_are_handed_over_in_order() {
        let items: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        let joined = in_parallel_owned(items, |s| Ok(s + "!")).unwrap();
        assert_eq!(joined, ["0!", "1!", "2!", "3!", "4!"]);
    }
}
