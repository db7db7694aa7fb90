use clap::Parser;

use complaints_report::cli::{Cli, Command};
use complaints_report::commands;

/// mimalloc rather than glibc's allocator: it takes memory from the kernel in transparent huge
/// pages and reuses what any thread frees, so a 1M-row run has 5,000 page faults instead of
/// 140,000 (each about 4 µs on the benchmark machine): `metrics` about 15 % faster and the
/// 10k `annual` about 20 %. See README, Performance.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::Metrics(args) => commands::metrics::run(&args),
        Command::Annual(args) => commands::annual::run(&args),
        Command::Quarterly(args) => commands::quarterly::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Query(args) => commands::query::run(&args),
        Command::Export(args) => commands::export::run(&args),
        Command::Summary(args) => commands::summary::run(&args.input),
        Command::GenerateSample(args) => commands::generate_sample::run(&args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(error.exit_code());
        }
    }
}
