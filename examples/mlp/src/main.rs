//! Trains the MLP once per hidden activation and prints validation accuracy per epoch.
//!
//! ```text
//! cargo run --release -p mlp-example -- [--epochs N] [--activations relu,tanh,...] [--seed S]
//!                                       [--plot PATH]
//! ```
//! 1000 samples with 20 features (80/20 train/validation split), two hidden layers of 32, AdamW (lr 0.01, weight decay 0.5),
//! batch 32. With the `plots` feature (on by default) the validation accuracy curves are drawn
//! into PATH (default `mlp-accuracy.svg`).

use mlp_example::{ACTIVATIONS, Dataset, History, TrainConfig, train};
use std::time::Instant;

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn parse<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    match arg(args, name) {
        None => default,
        Some(v) => v.parse().unwrap_or_else(|_| {
            eprintln!("{name}: cannot parse {v:?}");
            std::process::exit(2)
        }),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cfg = TrainConfig {
        epochs: parse(&args, "--epochs", TrainConfig::default().epochs),
        seed: parse(&args, "--seed", TrainConfig::default().seed),
        ..TrainConfig::default()
    };
    let acts: Vec<&str> = match arg(&args, "--activations") {
        Some(list) => list.split(',').map(str::trim).collect(),
        None => ACTIVATIONS.to_vec(),
    };
    let data = Dataset::synthetic(1000, 20, cfg.seed);
    let (tr, va) = data.split(0.8);
    println!(
        "synthetic data: {} samples x {} features (seed {}), {} train / {} validation; \
         MLP 20-{h}-{h}-1, AdamW lr {} weight decay {}, batch {}, {} epochs, kernels on {}",
        data.len(),
        data.features,
        cfg.seed,
        tr.len(),
        va.len(),
        cfg.learning_rate,
        cfg.weight_decay,
        cfg.batch,
        cfg.epochs,
        cfg.isa,
        h = cfg.hidden,
    );
    let t0 = Instant::now();
    let mut runs: Vec<(History, f64)> = vec![];
    for a in &acts {
        let t = Instant::now();
        match train(a, &tr, &va, &cfg) {
            Ok(h) => runs.push((h, t.elapsed().as_secs_f64())),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }

    println!("\nvalidation accuracy (%) per epoch");
    print!("| epoch |");
    for (h, _) in &runs {
        print!(" {} |", h.activation);
    }
    println!();
    print!("|--:|");
    for _ in &runs {
        print!("--:|");
    }
    println!();
    for e in 0..cfg.epochs {
        print!("| {} |", e + 1);
        for (h, _) in &runs {
            print!(" {:.1} |", 100.0 * h.val_accuracy[e]);
        }
        println!();
    }

    println!("\nfinal (after epoch {})", cfg.epochs);
    println!(
        "| activation | val accuracy | best val accuracy (epoch) | train accuracy | train loss | val loss | time |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|");
    for (h, secs) in &runs {
        let (best_e, best) = h
            .val_accuracy
            .iter()
            .enumerate()
            .fold((0, 0.0f32), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        let last = |v: &[f32]| v.last().copied().unwrap_or(f32::NAN);
        println!(
            "| {} | {:.1}% | {:.1}% ({}) | {:.1}% | {:.4} | {:.4} | {:.2} s |",
            h.activation,
            100.0 * last(&h.val_accuracy),
            100.0 * best,
            best_e + 1,
            100.0 * last(&h.train_accuracy),
            last(&h.train_loss),
            last(&h.val_loss),
            secs
        );
    }
    println!("total {:.1} s", t0.elapsed().as_secs_f64());

    #[cfg(feature = "plots")]
    {
        let path = arg(&args, "--plot").unwrap_or("mlp-accuracy.svg");
        match plot(std::path::Path::new(path), &runs, &cfg) {
            Ok(()) => println!("plot: {path}"),
            Err(e) => {
                eprintln!("plot {path}: {e}");
                std::process::exit(1);
            }
        }
    }
    #[cfg(not(feature = "plots"))]
    if arg(&args, "--plot").is_some() {
        eprintln!(
            "--plot needs the `plots` feature of mlp-example (on by default; this build has \
             --no-default-features)"
        );
        std::process::exit(2);
    }
}

/// Validation accuracy per epoch, one line per activation, ten activations per panel (so that
/// each line in a panel has its own colour).
#[cfg(feature = "plots")]
fn plot(
    path: &std::path::Path,
    runs: &[(History, f64)],
    cfg: &TrainConfig,
) -> Result<(), activation_tools::plot::PlotError> {
    use activation_tools::plot::{Chart, Legend, Series, XScale, render_svg};
    let panels: Vec<Chart> = runs
        .chunks(10)
        .map(|group| Chart {
            title: format!(
                "validation accuracy: {} .. {}",
                group[0].0.activation,
                group[group.len() - 1].0.activation
            ),
            x_desc: "epoch".to_string(),
            y_desc: "validation accuracy (%)".to_string(),
            x_scale: XScale::Linear,
            x_range: Some((1.0, cfg.epochs.max(2) as f64)),
            y_range: Some((30.0, 100.0)),
            series: group
                .iter()
                .enumerate()
                .map(|(i, (h, _))| Series {
                    label: format!(
                        "{} ({:.1}%)",
                        h.activation,
                        100.0 * h.val_accuracy.last().copied().unwrap_or(f32::NAN)
                    ),
                    points: h
                        .val_accuracy
                        .iter()
                        .enumerate()
                        .map(|(e, &a)| ((e + 1) as f64, 100.0 * a as f64))
                        .collect(),
                    dashed: false,
                    color: i,
                })
                .collect(),
            legend: Legend::LowerRight,
        })
        .collect();
    let cols = panels.len().clamp(1, 2);
    let rows = panels.len().div_ceil(cols) as u32;
    render_svg(path, (600 * cols as u32, 520 * rows), cols, &panels)
}
