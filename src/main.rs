use clap::Parser;

use complaints_report::cli::{Cli, Command};
use complaints_report::commands;
use complaints_report::commands::terminal;

/// mimalloc rather than glibc's allocator: it takes memory from the kernel in transparent huge
/// pages and reuses what any thread frees, so a large run asks the kernel for far fewer fresh
/// pages, which is most of what separates a fast run from a slow one on a host where fresh
/// pages are dear (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    terminal::init(cli.color, cli.quiet);
    let result = match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::Metrics(args) => commands::metrics::run(&args),
        Command::Annual(args) => commands::annual::run(&args),
        Command::Quarterly(args) => commands::quarterly::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Query(args) => commands::query::run(&args),
        Command::Export(args) => commands::export::run(&args),
        Command::Summary(args) => commands::summary::run(&args),
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
