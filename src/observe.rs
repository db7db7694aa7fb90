//! Watching a run's steps from outside: the pipeline names each step it takes and hands it to an
//! [`Observer`], which may time it (`trace`) or show it (the commands' progress spinner). Domain
//! code never times or prints anything itself.

/// Something that watches the steps of a run.
pub trait Observer: Sync {
    /// Runs `work`, the step called `name`, exactly once.
    fn step(&self, name: &str, work: &mut dyn FnMut());
}

/// An observer that only runs the steps (library callers and tests that watch nothing).
pub struct Silent;

impl Observer for Silent {
    fn step(&self, _name: &str, work: &mut dyn FnMut()) {
        work();
    }
}

/// Runs `work` as the step called `name`, watched by `observer`, and returns its value.
pub fn step<T>(observer: &dyn Observer, name: &str, work: impl FnOnce() -> T) -> T {
    let mut work = Some(work);
    let mut value = None;
    observer.step(name, &mut || value = work.take().map(|work| work()));
    // An observer that forgot to run the step does not lose it.
    match (value, work) {
        (Some(value), _) => value,
        (None, Some(work)) => work(),
        (None, None) => unreachable!("a step that ran has a value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names(std::sync::Mutex<Vec<String>>);

    impl Observer for Names {
        fn step(&self, name: &str, work: &mut dyn FnMut()) {
            self.0.lock().unwrap().push(name.to_string());
            work();
        }
    }

    struct Forgetful;

    impl Observer for Forgetful {
        fn step(&self, _name: &str, _work: &mut dyn FnMut()) {}
    }

    #[test]
    fn steps_run_once_and_are_seen_by_name() {
        let names = Names(Default::default());
        let runs = std::cell::Cell::new(0);
        let value = step(&names, "outer", || {
            runs.set(runs.get() + 1);
            step(&names, "inner", || 2) * 3
        });
        assert_eq!((value, runs.get()), (6, 1));
        assert_eq!(*names.0.lock().unwrap(), ["outer", "inner"]);
        assert_eq!(step(&Silent, "quiet", || "ran"), "ran");
        assert_eq!(step(&Forgetful, "forgotten", || "ran anyway"), "ran anyway");
    }
}
