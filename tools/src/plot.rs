//! SVG plots (feature `plots`): activation curves, measured ULP error, training curves.
//!
//! Three layers, each usable on its own:
//! * data: [`activation_curves`] evaluates an activation and its derivative with the kernels;
//!   [`ulp_profiles`] measures the error of the kernels against the f64 reference across an
//!   input range, per ISA, as the maximum per bucket;
//! * charts: [`Chart`] and [`Series`] describe line charts without naming `plotters` types;
//! * rendering: [`render_svg`] / [`render_svg_string`] draw a grid of charts with
//!   [`plotters`](https://docs.rs/plotters)' SVG backend.
//!
//! `report --plots DIR` renders the whole set for every built-in activation;
//! `examples/mlp` uses [`render_svg`] for its validation-accuracy curves.
//!
//! ```no_run
//! use activation_kernels::registry;
//! use activation_tools::plot;
//!
//! let gelu = registry::lookup("gelu").unwrap();
//! // f and f' on [-6, 6]:
//! plot::render_svg("gelu.svg".as_ref(), (640, 420), 1, &[plot::activation_chart(gelu)])?;
//! // measured error of the forward kernel over the whole f32 range, every ISA of this CPU:
//! let (dir, domain) = (plot::Direction::Forward, plot::Domain::AllF32);
//! let profiles = plot::ulp_profiles(gelu, dir, domain, 1 << 16, 256);
//! let chart = plot::ulp_chart(gelu, dir, domain, &profiles);
//! plot::render_svg("gelu-ulp.svg".as_ref(), (640, 420), 1, &[chart])?;
//! # Ok::<(), plot::PlotError>(())
//! ```

use activation_kernels::Isa;
use activation_kernels::registry::DynActivation;
use activation_kernels::ulp::ulp_error;
use plotters::prelude::*;
use std::fmt;
use std::path::Path;

/// Rendering or writing a plot failed.
///
/// ```
/// use activation_tools::plot::{self, PlotError};
///
/// // A regular file where a directory is needed: the write fails with an I/O error.
/// let file = std::env::temp_dir().join(format!("ak-plot-err-{}", std::process::id()));
/// std::fs::write(&file, "")?;
/// let err = plot::render_svg(&file.join("chart.svg"), (100, 100), 1, &[]).unwrap_err();
/// assert!(matches!(err, PlotError::Io(_)));
/// assert!(err.to_string().starts_with("writing the plot failed"));
/// std::fs::remove_file(&file)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub enum PlotError {
    /// The drawing backend reported an error.
    Draw(String),
    /// Writing the SVG file failed.
    Io(std::io::Error),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::Draw(e) => write!(f, "drawing the plot failed: {e}"),
            PlotError::Io(e) => write!(f, "writing the plot failed: {e}"),
        }
    }
}

impl std::error::Error for PlotError {}

impl From<std::io::Error> for PlotError {
    fn from(e: std::io::Error) -> Self {
        PlotError::Io(e)
    }
}

fn draw_err(e: impl fmt::Display) -> PlotError {
    PlotError::Draw(e.to_string())
}

/// `(x, y)` points of a line.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let (f, _) = plot::activation_curves(registry::lookup("relu").unwrap(), -1.0, 1.0, 3);
/// assert_eq!(f, vec![(-1.0, 0.0), (0.0, 0.0), (1.0, 1.0)]);
/// ```
pub type Points = Vec<(f64, f64)>;

/// One line of a chart. Non-finite points break the line (they are not drawn).
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let chart = plot::activation_chart(registry::lookup("tanh").unwrap());
/// let (f, d) = (&chart.series[0], &chart.series[1]);
/// assert_eq!((f.label.as_str(), f.dashed), ("f(x)", false));
/// assert!(d.dashed);
/// assert_eq!(d.points[120], (0.0, 1.0)); // tanh'(0) at the middle of [-6, 6]
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// `(x, y)` in chart coordinates, in drawing order.
    pub points: Points,
    /// Draw dashed instead of solid.
    pub dashed: bool,
    /// Colour index into the chart palette (Tableau 10, then `plotters`' 99-colour palette).
    pub color: usize,
}

/// How x coordinates map to axis labels.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot::{self, Direction, Domain, XScale};
///
/// let relu = registry::lookup("relu").unwrap();
/// assert_eq!(plot::activation_chart(relu).x_scale, XScale::Linear);
/// let p = plot::ulp_profiles(relu, Direction::Forward, Domain::AllF32, 1000, 8);
/// let chart = plot::ulp_chart(relu, Direction::Forward, Domain::AllF32, &p);
/// assert_eq!(chart.x_scale, XScale::F32Order);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XScale {
    /// Plain numbers.
    Linear,
    /// x is an f32 in *bit order*, measured in binades ([`f32_order`]): equal widths hold equal
    /// numbers of f32 values, and the labels show the value (`±2^e`) at each tick.
    F32Order,
}

/// Where the legend goes (inside the plotting area).
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot::{self, Legend};
///
/// let mut chart = plot::activation_chart(registry::lookup("elu").unwrap());
/// assert_eq!(chart.legend, Legend::UpperLeft);
/// let with = plot::render_svg_string((400, 300), 1, &[chart.clone()])?;
/// chart.legend = Legend::None;
/// let without = plot::render_svg_string((400, 300), 1, &[chart])?;
/// assert!(with.contains("f(x)") && !without.contains("f(x)"));
/// # Ok::<(), plot::PlotError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legend {
    /// No legend.
    None,
    /// Upper left corner.
    UpperLeft,
    /// Upper right corner.
    UpperRight,
    /// Lower left corner.
    LowerLeft,
    /// Lower right corner.
    LowerRight,
}

/// A line chart.
///
/// ```
/// use activation_tools::plot::{self, Chart, Legend, Series, XScale};
///
/// let chart = Chart {
///     title: "squares".to_string(),
///     x_desc: "n".to_string(),
///     y_desc: "n²".to_string(),
///     x_scale: XScale::Linear,
///     x_range: None,
///     y_range: None,
///     series: vec![Series {
///         label: "n²".to_string(),
///         points: (0..10).map(|n| (n as f64, (n * n) as f64)).collect(),
///         dashed: false,
///         color: 0,
///     }],
///     legend: Legend::UpperLeft,
/// };
/// let svg = plot::render_svg_string((400, 300), 1, &[chart])?;
/// assert!(svg.starts_with("<svg") && svg.contains("squares"));
/// # Ok::<(), plot::PlotError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Caption above the chart.
    pub title: String,
    /// Label of the x axis.
    pub x_desc: String,
    /// Label of the y axis.
    pub y_desc: String,
    /// How x values are labelled.
    pub x_scale: XScale,
    /// Visible x range; `None`: the extent of the finite points.
    pub x_range: Option<(f64, f64)>,
    /// Visible y range; `None`: the extent of the finite points plus 5% on each side.
    pub y_range: Option<(f64, f64)>,
    /// The lines, drawn in order (later ones on top).
    pub series: Vec<Series>,
    /// Legend position.
    pub legend: Legend,
}

/// The position of `x` in f32 bit order, in binades: `±(bits of |x|) / 2^23`, so `0` is zero,
/// `±1` is `±f32::MIN_POSITIVE` (the end of the subnormals), `±(e + 127)` is `±2^e` and `±255`
/// is `±inf`. Monotonic in `x`; NaN maps to NaN.
///
/// ```
/// use activation_tools::plot::f32_order;
///
/// assert_eq!(f32_order(0.0), 0.0);
/// assert_eq!(f32_order(f32::MIN_POSITIVE), 1.0);
/// assert_eq!(f32_order(1.0), 127.0);
/// assert_eq!(f32_order(-2.0), -128.0);
/// assert_eq!(f32_order(f32::INFINITY), 255.0);
/// assert!(f32_order(1.5) > f32_order(1.0));
/// ```
pub fn f32_order(x: f32) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let m = (x.to_bits() & 0x7FFF_FFFF) as f64 / (1u64 << 23) as f64;
    if x.is_sign_negative() { -m } else { m }
}

/// The f32 at bit-order position `t` ([`f32_order`]'s inverse, rounded to the nearest value).
///
/// ```
/// use activation_tools::plot::{f32_from_order, f32_order};
///
/// assert_eq!(f32_from_order(127.0), 1.0);
/// for x in [0.0f32, -3.5, 1e-40, f32::MAX, f32::NEG_INFINITY] {
///     assert_eq!(f32_from_order(f32_order(x)), x);
/// }
/// ```
pub fn f32_from_order(t: f64) -> f32 {
    let m = (t.abs() * (1u64 << 23) as f64)
        .round()
        .min(0x7F80_0000 as f64) as u32;
    let v = f32::from_bits(m);
    if t < 0.0 { -v } else { v }
}

/// Tick label for an [`XScale::F32Order`] axis: `0`, or `±2^e` for the power of two nearest to
/// the value at `t`.
fn f32_order_label(t: f64) -> String {
    let v = f32_from_order(t);
    if v == 0.0 {
        return "0".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let e = (v.abs() as f64).log2().round() as i32;
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}2^{e}")
}

/// Tableau 10 (colour-blind friendly), then `plotters`' 99-colour palette.
fn color(i: usize) -> RGBColor {
    const T10: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    match T10.get(i) {
        Some(&(r, g, b)) => RGBColor(r, g, b),
        None => {
            let c = Palette99::pick(i - T10.len()).to_rgba();
            RGBColor(c.0, c.1, c.2)
        }
    }
}

/// Runs of consecutive finite points.
fn segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut cur = vec![];
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            cur.push((x, y));
        } else if !cur.is_empty() {
            out.push(core::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn extent(vals: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    vals.filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

fn widen((lo, hi): (f64, f64), frac: f64) -> (f64, f64) {
    if hi > lo {
        let pad = (hi - lo) * frac;
        (lo - pad, hi + pad)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    chart: &Chart,
) -> Result<(), PlotError> {
    let pts = || chart.series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = chart
        .x_range
        .or_else(|| extent(pts().map(|p| p.0)))
        .map(|r| if r.1 > r.0 { r } else { widen(r, 0.0) })
        .unwrap_or((0.0, 1.0));
    let (y0, y1) = chart
        .y_range
        .or_else(|| extent(pts().map(|p| p.1)).map(|r| widen(r, 0.05)))
        .unwrap_or((0.0, 1.0));
    let mut c = ChartBuilder::on(area)
        .caption(&chart.title, ("sans-serif", 15))
        .margin(6)
        .margin_right(22)
        .x_label_area_size(34)
        .y_label_area_size(48)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    let fx = |t: &f64| f32_order_label(*t);
    // Plain numbers: at most 3 decimals, no trailing zeros ("5", "0.25", "-1.5").
    let fy = |v: &f64| {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        }
    };
    let mut mesh = c.configure_mesh();
    mesh.x_desc(chart.x_desc.as_str())
        .y_desc(chart.y_desc.as_str())
        .y_label_formatter(&fy)
        .label_style(("sans-serif", 11))
        .max_light_lines(0)
        .bold_line_style(RGBColor(225, 225, 225));
    match chart.x_scale {
        XScale::F32Order => mesh.x_label_formatter(&fx),
        XScale::Linear => mesh.x_label_formatter(&fy),
    };
    mesh.draw().map_err(draw_err)?;
    for s in &chart.series {
        let col = color(s.color);
        let style = ShapeStyle::from(&col).stroke_width(2);
        for (k, seg) in segments(&s.points).into_iter().enumerate() {
            let anno = if s.dashed {
                c.draw_series(DashedLineSeries::new(seg, 6, 4, style))
            } else {
                c.draw_series(LineSeries::new(seg, style))
            }
            .map_err(draw_err)?;
            if k == 0 && chart.legend != Legend::None {
                anno.label(s.label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
            }
        }
    }
    let pos = match chart.legend {
        Legend::None => return Ok(()),
        Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
        Legend::UpperRight => SeriesLabelPosition::UpperRight,
        Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
        Legend::LowerRight => SeriesLabelPosition::LowerRight,
    };
    c.configure_series_labels()
        .position(pos)
        .label_font(("sans-serif", 11))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .draw()
        .map_err(draw_err)
}

/// Renders `charts` as a grid with `cols` columns (rows as needed) into an SVG document of
/// `size` = (width, height) pixels.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let charts: Vec<_> = ["relu", "gelu"]
///     .iter()
///     .map(|n| plot::activation_chart(registry::lookup(n).unwrap()))
///     .collect();
/// let svg = plot::render_svg_string((800, 300), 2, &charts)?;
/// assert!(svg.starts_with("<svg") && svg.contains("relu") && svg.contains("gelu"));
/// # Ok::<(), plot::PlotError>(())
/// ```
pub fn render_svg_string(
    size: (u32, u32),
    cols: usize,
    charts: &[Chart],
) -> Result<String, PlotError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let cols = cols.max(1);
        let rows = charts.len().div_ceil(cols).max(1);
        for (area, chart) in root.split_evenly((rows, cols)).iter().zip(charts) {
            draw_chart(area, chart)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// [`render_svg_string`] written to `path` (parent directories are created).
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let dir = std::env::temp_dir().join(format!("ak-plot-doc-{}", std::process::id()));
/// let path = dir.join("sub/mish.svg"); // parent directories are created
/// let chart = plot::activation_chart(registry::lookup("mish").unwrap());
/// plot::render_svg(&path, (640, 420), 1, &[chart])?;
/// assert!(std::fs::read_to_string(&path)?.contains("mish"));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_svg(
    path: &Path,
    size: (u32, u32),
    cols: usize,
    charts: &[Chart],
) -> Result<(), PlotError> {
    let svg = render_svg_string(size, cols, charts)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, svg)?;
    Ok(())
}

/// `n` evenly spaced points of `f(x)` and `f'(x)` on `[lo, hi]`, computed by the activation's
/// kernels on [`Isa::best`] (`forward_with_derivative`).
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let (f, d) = plot::activation_curves(registry::lookup("sigmoid").unwrap(), -2.0, 2.0, 5);
/// assert_eq!(f.len(), 5);
/// assert_eq!((f[2], d[2]), ((0.0, 0.5), (0.0, 0.25)));
/// ```
pub fn activation_curves(act: &dyn DynActivation, lo: f32, hi: f32, n: usize) -> (Points, Points) {
    let n = n.max(2);
    let xs: Vec<f32> = (0..n)
        .map(|i| lo + (hi - lo) * i as f32 / (n - 1) as f32)
        .collect();
    let (mut y, mut d) = (vec![0.0f32; n], vec![0.0f32; n]);
    act.forward_with_derivative(&xs, &mut y, &mut d);
    let pair = |v: &[f32]| -> Points {
        xs.iter()
            .zip(v)
            .map(|(&x, &v)| (x as f64, v as f64))
            .collect()
    };
    (pair(&y), pair(&d))
}

/// Chart of `f` (solid) and `f'` (dashed) on [-6, 6] with default parameters; the title is the
/// activation's name.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let chart = plot::activation_chart(registry::lookup("silu").unwrap());
/// assert_eq!(chart.title, "swish"); // the canonical name
/// assert_eq!(chart.x_range, Some((-6.0, 6.0)));
/// assert_eq!(chart.series.len(), 2);
/// ```
pub fn activation_chart(act: &dyn DynActivation) -> Chart {
    let (f, d) = activation_curves(act, -6.0, 6.0, 241);
    Chart {
        title: act.info().name.to_string(),
        x_desc: "x".to_string(),
        y_desc: String::new(),
        x_scale: XScale::Linear,
        x_range: Some((-6.0, 6.0)),
        y_range: None,
        series: vec![
            Series {
                label: "f(x)".to_string(),
                points: f,
                dashed: false,
                color: 0,
            },
            Series {
                label: "f'(x)".to_string(),
                points: d,
                dashed: true,
                color: 1,
            },
        ],
        legend: Legend::UpperLeft,
    }
}

/// Which kernel [`ulp_profiles`] measures.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot::{self, Direction, Domain};
///
/// // relu is exact in both directions.
/// let relu = registry::lookup("relu").unwrap();
/// for dir in [Direction::Forward, Direction::Derivative] {
///     let p = plot::ulp_profiles(relu, dir, Domain::Interval(-4.0, 4.0), 1000, 10);
///     assert_eq!(p[0].max_ulp, 0.0);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `forward` against `forward_reference`.
    Forward,
    /// `derivative` against `derivative_reference`.
    Derivative,
}

/// Where [`ulp_profiles`] samples.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot::{self, Direction, Domain};
///
/// let tanh = registry::lookup("tanh").unwrap();
/// let dom = Domain::Interval(-3.0, 3.0);
/// let p = plot::ulp_profiles(tanh, Direction::Forward, dom, 600, 6);
/// let chart = plot::ulp_chart(tanh, Direction::Forward, dom, &p);
/// assert_eq!(chart.x_range, Some((-3.0, 3.0)));
/// assert!(p[0].buckets.iter().all(|&(x, _)| (-3.0..=3.0).contains(&x)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    /// Evenly spaced points on `[lo, hi]`; buckets are equal-width in x.
    Interval(f32, f32),
    /// Bit patterns spread evenly over every finite f32 (both signs, subnormals included);
    /// buckets are equal-width in [`f32_order`] (each holds the same number of f32 values).
    AllF32,
}

impl Domain {
    fn coord(self, x: f32) -> f64 {
        match self {
            Domain::Interval(..) => x as f64,
            Domain::AllF32 => f32_order(x),
        }
    }
    fn range(self) -> (f64, f64) {
        match self {
            Domain::Interval(lo, hi) => (lo as f64, hi as f64),
            Domain::AllF32 => (f32_order(f32::MIN), f32_order(f32::MAX)),
        }
    }
    /// Sample inputs: `n` points (fewer for `AllF32`, whose non-finite patterns are skipped).
    fn inputs(self, n: usize) -> Vec<f32> {
        let n = n.max(2);
        match self {
            Domain::Interval(lo, hi) => (0..n)
                .map(|i| lo + (hi - lo) * ((i as f64 + 0.5) / n as f64) as f32)
                .collect(),
            Domain::AllF32 => {
                let step = ((1u64 << 32) / n as u64).max(1);
                // One pattern per step, at a pseudo-random offset inside it (SplitMix64 finalizer),
                // so that no fixed bit pattern of the mantissa is favoured.
                (0..n as u64)
                    .map(|i| {
                        let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
                        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                        z ^= z >> 31;
                        f32::from_bits((i * step + z % step) as u32)
                    })
                    .filter(|x| x.is_finite())
                    .collect()
            }
        }
    }
}

/// The measured error of one kernel over a domain, for a group of ISAs that returned
/// bit-identical results.
///
/// ```
/// use activation_kernels::{Isa, registry};
/// use activation_tools::plot::{self, Direction, Domain};
///
/// let sig = registry::lookup("sigmoid").unwrap();
/// let p = plot::ulp_profiles(sig, Direction::Forward, Domain::AllF32, 4000, 16);
/// assert_eq!(p.len(), 1); // every ISA gives the same bits
/// assert_eq!(p[0].isas[0], Isa::Scalar);
/// assert!(p[0].max_ulp <= 2.0 && p[0].buckets.len() <= 16);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct UlpProfile {
    /// The ISAs in this group (every ISA gives the same bits by design, so normally all of them).
    pub isas: Vec<Isa>,
    /// Number of inputs measured (those with a defined reference, minus `excused`).
    pub samples: usize,
    /// Derivative inputs left out because their error, above the ULP bound, is within the
    /// declared absolute tolerance.
    pub excused: usize,
    /// `(bucket centre, max ULP error in the bucket)` in chart coordinates (x for
    /// [`Domain::Interval`], [`f32_order`] for [`Domain::AllF32`]); empty buckets are left out.
    pub buckets: Vec<(f64, f64)>,
    /// The largest error measured.
    pub max_ulp: f64,
    /// An input where it occurs.
    pub worst_input: f32,
}

/// Measures the error of the `dir` kernel of `act` on every available ISA over about `samples`
/// inputs of `domain`, as the max ULP error ([`ulp_error`]) against the f64 reference in each of
/// `buckets` equal-width buckets. ISAs with bit-identical results share one profile.
///
/// Inputs whose reference is NaN are skipped. For the derivative, an input whose error exceeds
/// the declared ULP bound but lies within the declared absolute tolerance
/// ([`derivative_abs`](activation_kernels::ActivationInfo::derivative_abs), used near zeros of `f'`, where
/// relative error is meaningless) is left out and counted in [`UlpProfile::excused`], as
/// [`testing::check`](activation_kernels::testing::check) accepts it.
///
/// ```
/// use activation_kernels::{registry, ulp::ulp_error};
/// use activation_tools::plot::{self, Direction, Domain};
///
/// let gelu = registry::lookup("gelu").unwrap();
/// let p = plot::ulp_profiles(gelu, Direction::Derivative, Domain::Interval(-5.0, 5.0), 2000, 20);
/// let worst = &p[0];
/// assert!(worst.max_ulp <= gelu.info().derivative_ulp);
/// // The reported worst input reproduces the reported error.
/// let mut d = [0.0f32];
/// gelu.derivative(&[worst.worst_input], &mut d);
/// let r = gelu.derivative_reference(worst.worst_input as f64);
/// assert_eq!(ulp_error(d[0], r), worst.max_ulp);
/// ```
pub fn ulp_profiles(
    act: &dyn DynActivation,
    dir: Direction,
    domain: Domain,
    samples: usize,
    buckets: usize,
) -> Vec<UlpProfile> {
    let info = act.info();
    let xs = domain.inputs(samples);
    let refs: Vec<f64> = xs
        .iter()
        .map(|&x| match dir {
            Direction::Forward => act.forward_reference(x as f64),
            Direction::Derivative => act.derivative_reference(x as f64),
        })
        .collect();
    let (lo, hi) = domain.range();
    let buckets = buckets.max(1);
    let width = (hi - lo) / buckets as f64;
    let mut groups: Vec<(Vec<Isa>, Vec<f32>)> = vec![];
    for isa in Isa::available() {
        let mut ys = vec![0.0f32; xs.len()];
        match dir {
            Direction::Forward => act.forward_on(isa, &xs, &mut ys),
            Direction::Derivative => act.derivative_on(isa, &xs, &mut ys),
        }
        let same = |g: &[f32]| {
            g.iter()
                .zip(&ys)
                .all(|(a, b)| activation_kernels::ulp::same_result(*a, *b))
        };
        match groups.iter_mut().find(|(_, g)| same(g)) {
            Some((isas, _)) => isas.push(isa),
            None => groups.push((vec![isa], ys)),
        }
    }
    groups
        .into_iter()
        .map(|(isas, ys)| {
            let mut maxes = vec![f64::NAN; buckets];
            let (mut max_ulp, mut worst_input, mut n, mut excused) = (0.0f64, 0.0f32, 0, 0);
            for ((&x, &y), &r) in xs.iter().zip(&ys).zip(&refs) {
                if r.is_nan() {
                    continue;
                }
                let e = ulp_error(y, r);
                if dir == Direction::Derivative
                    && e > info.derivative_ulp
                    && ((y as f64) - r).abs() <= info.derivative_abs
                {
                    excused += 1;
                    continue;
                }
                n += 1;
                if e > max_ulp {
                    (max_ulp, worst_input) = (e, x);
                }
                let b = (((domain.coord(x) - lo) / width) as usize).min(buckets - 1);
                if maxes[b].is_nan() || e > maxes[b] {
                    maxes[b] = e;
                }
            }
            UlpProfile {
                isas,
                samples: n,
                buckets: maxes
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !m.is_nan())
                    .map(|(i, &m)| (lo + (i as f64 + 0.5) * width, m))
                    .collect(),
                max_ulp,
                worst_input,
                excused,
            }
        })
        .collect()
}

/// Chart of the [`ulp_profiles`] of `act` for `dir` over `domain`: one line per group of bit-identical ISAs (labelled with their
/// names) and the declared bound as a red line. The title names the activation, the kernel,
/// the domain and the measured maximum.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot::{self, Direction, Domain};
///
/// let elu = registry::lookup("elu").unwrap();
/// let dom = Domain::Interval(-10.0, 10.0);
/// let p = plot::ulp_profiles(elu, Direction::Forward, dom, 1000, 10);
/// let chart = plot::ulp_chart(elu, Direction::Forward, dom, &p);
/// assert!(chart.title.contains("elu"));
/// // One line per group of ISAs, plus the declared bound.
/// assert_eq!(chart.series.len(), p.len() + 1);
/// ```
pub fn ulp_chart(
    act: &dyn DynActivation,
    dir: Direction,
    domain: Domain,
    profiles: &[UlpProfile],
) -> Chart {
    let info = act.info();
    let bound = match dir {
        Direction::Forward => info.forward_ulp,
        Direction::Derivative => info.derivative_ulp,
    };
    let max = profiles.iter().map(|p| p.max_ulp).fold(0.0, f64::max);
    let (lo, hi) = domain.range();
    let what = match dir {
        Direction::Forward => "f",
        Direction::Derivative => "f'",
    };
    let range = match domain {
        Domain::Interval(a, b) => format!("[{a}, {b}]"),
        Domain::AllF32 => "all f32".to_string(),
    };
    let n = profiles.first().map_or(0, |p| p.samples);
    let excused = match profiles.first().map_or(0, |p| p.excused) {
        0 => String::new(),
        k => format!("; {k} more within abs {:e}", info.derivative_abs),
    };
    let mut series: Vec<Series> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| Series {
            label: p
                .isas
                .iter()
                .map(|i| i.name())
                .collect::<Vec<_>>()
                .join(" = "),
            points: p.buckets.clone(),
            dashed: false,
            color: if i == 0 { 0 } else { i + 1 },
        })
        .collect();
    series.push(Series {
        label: format!("bound {bound}"),
        points: vec![(lo, bound), (hi, bound)],
        dashed: false,
        color: 3,
    });
    let top = if max.is_finite() {
        max.max(bound)
    } else {
        bound
    };
    Chart {
        title: format!(
            "{} {what} on {range}: max {max:.3} ULP ({n} inputs{excused})",
            info.name
        ),
        x_desc: match domain {
            Domain::Interval(..) => "x".to_string(),
            Domain::AllF32 => "x (f32 bit order)".to_string(),
        },
        y_desc: "max ULP error per bucket".to_string(),
        x_scale: match domain {
            Domain::Interval(..) => XScale::Linear,
            Domain::AllF32 => XScale::F32Order,
        },
        x_range: Some((lo, hi)),
        y_range: Some((0.0, top * 1.15)),
        series,
        legend: Legend::UpperRight,
    }
}

/// Files written by [`render_all`].
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let dir = std::env::temp_dir().join(format!("ak-plot-rendered-{}", std::process::id()));
/// let out = plot::render_all(&dir, &[registry::lookup("relu6").unwrap()], 500, 1)?;
/// assert!(out.files.iter().all(|f| f.exists()));
/// assert_eq!(out.max_ulp.len(), 4); // forward and derivative, on two domains
/// assert!(out.max_ulp.iter().all(|m| m.0 == "relu6" && m.3 == 0.0)); // exact
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// Paths of the SVG files, in the order written.
    pub files: Vec<std::path::PathBuf>,
    /// `(activation, direction, domain description, max ULP)` for every measured panel.
    pub max_ulp: Vec<(&'static str, Direction, String, f64)>,
}

/// Renders the full set into `dir`:
/// * `activations.svg`: every activation in `acts` with its derivative on [-6, 6], in a grid;
/// * `NAME.svg`: the same for one activation, larger;
/// * `ulp-NAME.svg`: the measured error of its forward and derivative kernels per ISA on
///   [-20, 20] and over all finite f32 (about `samples` inputs each, 256 buckets).
///
/// Activations are measured on up to `threads` threads.
///
/// ```
/// use activation_kernels::registry;
/// use activation_tools::plot;
///
/// let dir = std::env::temp_dir().join(format!("ak-plot-all-{}", std::process::id()));
/// let acts = [registry::lookup("relu").unwrap(), registry::lookup("tanh").unwrap()];
/// let out = plot::render_all(&dir, &acts, 500, 2)?;
/// for name in ["activations.svg", "relu.svg", "tanh.svg", "ulp-relu.svg", "ulp-tanh.svg"] {
///     assert!(out.files.contains(&dir.join(name)), "{name}");
/// }
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_all(
    dir: &Path,
    acts: &[&dyn DynActivation],
    samples: usize,
    threads: usize,
) -> Result<Rendered, PlotError> {
    std::fs::create_dir_all(dir)?;
    let mut out = Rendered::default();
    let cols = 6;
    let rows = acts.len().div_ceil(cols).max(1) as u32;
    let grid: Vec<Chart> = acts
        .iter()
        .map(|a| {
            let mut c = activation_chart(*a);
            c.legend = Legend::None;
            c
        })
        .collect();
    let path = dir.join("activations.svg");
    render_svg(&path, (1500, 250 * rows), cols, &grid)?;
    out.files.push(path);
    for (a, mut c) in acts.iter().zip(grid) {
        c.legend = Legend::UpperLeft;
        c.title = format!("{}: f(x) and f'(x) (dashed)", a.info().name);
        let path = dir.join(format!("{}.svg", a.info().name));
        render_svg(&path, (640, 420), 1, &[c])?;
        out.files.push(path);
    }
    const PANELS: [(Direction, Domain); 4] = [
        (Direction::Forward, Domain::Interval(-20.0, 20.0)),
        (Direction::Forward, Domain::AllF32),
        (Direction::Derivative, Domain::Interval(-20.0, 20.0)),
        (Direction::Derivative, Domain::AllF32),
    ];
    let threads = threads.clamp(1, acts.len().max(1));
    let per = acts.len().div_ceil(threads).max(1);
    type Measured = Vec<(Chart, f64)>;
    let measured: Vec<Measured> = std::thread::scope(|s| {
        let handles: Vec<_> = acts
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|a| {
                            PANELS
                                .iter()
                                .map(|&(d, dom)| {
                                    let p = ulp_profiles(*a, d, dom, samples, 256);
                                    let max = p.iter().map(|p| p.max_ulp).fold(0.0, f64::max);
                                    (ulp_chart(*a, d, dom, &p), max)
                                })
                                .collect()
                        })
                        .collect::<Vec<Measured>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("measuring thread panicked"))
            .collect()
    });
    for (a, panels) in acts.iter().zip(measured) {
        let mut charts = vec![];
        for ((c, max), &(d, dom)) in panels.into_iter().zip(&PANELS) {
            charts.push(c);
            let range = match dom {
                Domain::Interval(lo, hi) => format!("[{lo}, {hi}]"),
                Domain::AllF32 => "all f32".to_string(),
            };
            out.max_ulp.push((a.info().name, d, range, max));
        }
        let path = dir.join(format!("ulp-{}.svg", a.info().name));
        render_svg(&path, (1100, 720), 2, &charts)?;
        out.files.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use activation_kernels::registry;

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).expect("well-formed SVG")
    }

    fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect()
    }

    #[test]
    fn order_round_trips_and_is_monotonic() {
        for x in [
            0.0f32,
            f32::from_bits(1),
            f32::MIN_POSITIVE,
            1.0,
            -3.5,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
        ] {
            assert_eq!(f32_from_order(f32_order(x)), x);
        }
        assert_eq!(f32_order(1.0), 127.0);
        assert_eq!(f32_order(f32::INFINITY), 255.0);
        assert!(f32_order(-2.0) < f32_order(-1.0) && f32_order(1e-40) < f32_order(1e-30));
        assert_eq!(f32_order_label(127.0 + 10.0), "2^10");
        assert_eq!(f32_order_label(-(127.0 - 3.0)), "-2^-3");
        assert_eq!(f32_order_label(0.0), "0");
    }

    #[test]
    fn activation_file_is_well_formed_svg_with_both_series() {
        let dir = std::env::temp_dir().join(format!("ak-plot-test-{}", std::process::id()));
        let path = dir.join("sub/tanh.svg");
        let tanh = registry::lookup("tanh").unwrap();
        let mut chart = activation_chart(tanh);
        chart.title = "tanh test chart".to_string();
        render_svg(&path, (500, 300), 1, &[chart]).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let doc = parse(&svg);
        assert!(doc.root_element().has_tag_name("svg"));
        let t = texts(&doc);
        for want in ["tanh test chart", "f(x)", "f'(x)"] {
            assert!(
                t.iter().any(|s| s == want),
                "missing text {want:?} in {t:?}"
            );
        }
        // The solid f(x) curve: a polyline through tanh's values. Its y extent spans the plot
        // (tanh goes from -1 to 1 on [-6, 6]).
        let lines: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .collect();
        let longest = lines
            .iter()
            .map(|n| {
                n.attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .count()
            })
            .max()
            .unwrap_or(0);
        assert!(longest >= 100, "no curve with many points ({longest})");
    }

    #[test]
    fn curves_come_from_the_kernels() {
        let relu = registry::lookup("relu").unwrap();
        let (f, d) = activation_curves(relu, -6.0, 6.0, 13);
        assert_eq!(f.len(), 13);
        assert_eq!(f[0], (-6.0, 0.0));
        assert_eq!(f[12], (6.0, 6.0));
        assert_eq!(d[12], (6.0, 1.0));
        assert_eq!(d[0], (-6.0, 0.0));
    }

    #[test]
    fn ulp_profile_measures_the_kernels() {
        let sig = registry::lookup("sigmoid").unwrap();
        for dom in [Domain::Interval(-20.0, 20.0), Domain::AllF32] {
            let p = ulp_profiles(sig, Direction::Forward, dom, 1 << 14, 64);
            // Every ISA gives the same bits, so there is one group holding all of them.
            assert_eq!(p.len(), 1);
            assert_eq!(p[0].isas.len(), Isa::available().count());
            let b = &p[0].buckets;
            assert!(b.len() > 32 && b.len() <= 64);
            assert!(p[0].samples > 10_000);
            let max = b.iter().map(|x| x.1).fold(0.0, f64::max);
            assert_eq!(max, p[0].max_ulp);
            assert!(max > 0.0 && max <= sig.info().forward_ulp, "{max}");
            let r = sig.forward_reference(p[0].worst_input as f64);
            let mut y = [0.0f32];
            sig.forward(&[p[0].worst_input], &mut y);
            assert_eq!(ulp_error(y[0], r), max);
        }
        // relu is exact: zero error everywhere.
        let relu = registry::lookup("relu").unwrap();
        let p = ulp_profiles(relu, Direction::Derivative, Domain::AllF32, 1 << 12, 32);
        assert!(p[0].buckets.iter().all(|b| b.1 == 0.0));
    }

    #[test]
    fn ulp_chart_renders_bound_and_isa_series() {
        let gelu = registry::lookup("gelu").unwrap();
        let (d, dom) = (Direction::Derivative, Domain::AllF32);
        let p = ulp_profiles(gelu, d, dom, 1 << 12, 32);
        assert!(p[0].samples > 3000, "{}", p[0].samples);
        let c = ulp_chart(gelu, d, dom, &p);
        let svg = render_svg_string((600, 400), 1, &[c]).unwrap();
        let doc = parse(&svg);
        let t = texts(&doc);
        let isas = Isa::available()
            .map(|i| i.name())
            .collect::<Vec<_>>()
            .join(" = ");
        assert!(t.contains(&isas), "{t:?}");
        assert!(t.iter().any(|s| s.starts_with("bound ")), "{t:?}");
        assert!(
            t.iter().any(|s| s.starts_with("gelu f' on all f32")),
            "{t:?}"
        );
        assert!(t.iter().any(|s| s.starts_with("2^")), "{t:?}");
    }
}
