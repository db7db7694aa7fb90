//! Work shared among the cores without a thread pool: a handful of large items (columns, files),
//! two independent computations side by side, and work left running in the background. The
//! only place outside the readers' own parts where threads are started.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use polars::prelude::{Column, DataFrame, Expr, IntoLazy, PolarsResult, polars_err};

/// `work` applied to every item, the items shared among the cores; results in item order.
pub(crate) fn in_parallel<T: Sync, R: Send, E: Send>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let workers = cores().clamp(1, items.len().max(1));
    if workers == 1 {
        return items.iter().map(work).collect();
    }
    let work = &work;
    // Each worker takes the next item when it is free: items (columns, files) differ a lot in cost.
    let next = &std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
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
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How many parts to split rows or text into: one per core, at most eight.
pub(crate) fn part_count() -> usize {
    cores().min(8)
}

/// Rows `0..height` as [`part_count`] spans, for [`in_parallel`]; one span below `split_from`
/// rows, where starting threads would cost more than they save.
pub(crate) fn row_parts(height: usize, split_from: usize) -> Vec<(usize, usize)> {
    let cores = part_count();
    if height < split_from {
        return vec![(0, height)];
    }
    (0..cores)
        .map(|k| (height * k / cores, height * (k + 1) / cores))
        .collect()
}

/// `first` here and `second` on another thread, side by side: two computations that do not
/// depend on each other, each too small for polars to spread over the cores itself.
pub(crate) fn join<A: Send, B: Send>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|scope| {
        let second = scope.spawn(second);
        let first = first();
        let second = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// Starts `work` on a thread of its own and lets it finish whenever it does (preparing caches).
pub(crate) fn detach(work: impl FnOnce() + Send + 'static) {
    std::thread::spawn(work);
}

/// A value worked out on a thread of its own while the caller goes on; asking for it waits.
pub(crate) struct Background<T> {
    value: OnceLock<Option<T>>,
    work: Mutex<Option<JoinHandle<T>>>,
}

impl<T: Send + 'static> Background<T> {
    /// Starts `work` now, on another thread.
    pub(crate) fn start(work: impl FnOnce() -> T + Send + 'static) -> Self {
        Background {
            value: OnceLock::new(),
            work: Mutex::new(Some(std::thread::spawn(work))),
        }
    }

    /// A value already known.
    pub(crate) fn ready(value: T) -> Self {
        Background {
            value: OnceLock::from(Some(value)),
            work: Mutex::new(None),
        }
    }

    /// The value, once the thread has finished; `None` if it panicked.
    pub(crate) fn get(&self) -> Option<&T> {
        self.value
            .get_or_init(|| {
                let work = self.work.lock().unwrap_or_else(PoisonError::into_inner).take();
                work.and_then(|w| w.join().ok())
            })
            .as_ref()
    }
}

/// [`in_parallel`] for work that cannot fail.
pub(crate) fn map_in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let done: Result<Vec<R>, std::convert::Infallible> = in_parallel(items, |item| Ok(work(item)));
    done.unwrap_or_else(|never| match never {})
}

/// [`in_parallel_owned`] for work that cannot fail.
pub(crate) fn map_in_parallel_owned<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let done: Result<Vec<R>, std::convert::Infallible> = in_parallel_owned(items, |item| Ok(work(item)));
    done.unwrap_or_else(|never| match never {})
}

/// One expression worked out over a frame's rows split among the cores (polars works one
/// expression out on one core), joined into one column named as the expression's output; one
/// part below `split_from` rows.
pub(crate) fn select_in_parts(frame: &DataFrame, expr: Expr, split_from: usize) -> PolarsResult<Column> {
    let parts = row_parts(frame.height(), split_from);
    let parts = in_parallel(&parts, |&(start, end)| {
        let out = frame
            .slice(start as i64, end - start)
            .lazy()
            .select([expr.clone()])
            .collect()?;
        out.columns()
            .first()
            .cloned()
            .ok_or_else(|| polars_err!(ComputeError: "the expression gave no column"))
    })?;
    let mut parts = parts.into_iter();
    let mut whole = parts
        .next()
        .ok_or_else(|| polars_err!(ComputeError: "no part of the rows"))?;
    for part in parts {
        whole.append_owned(part)?;
    }
    Ok(whole.rechunk())
}

/// Like [`in_parallel`], but each item is handed over to `work` (columns to be consumed).
pub(crate) fn in_parallel_owned<T: Send, R: Send, E: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
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
    fn joined_work_gives_both_results_and_background_values_wait() {
        let (a, b) = join(|| 2 + 2, || "side");
        assert_eq!((a, b), (4, "side"));
        let later = Background::start(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            7
        });
        assert_eq!(later.get(), Some(&7));
        assert_eq!(later.get(), Some(&7));
        assert_eq!(Background::ready("known").get(), Some(&"known"));
    }

    #[test]
    fn owned_items_are_handed_over_in_order() {
        let items: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        let joined = map_in_parallel_owned(items, |s| s + "!");
        assert_eq!(joined, ["0!", "1!", "2!", "3!", "4!"]);
    }
}
