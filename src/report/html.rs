//! `report.html`: one self-contained page (no scripts, no external files) with SVG charts and the
//! tables of `summary.md`, rendered from the same markdown so both show the same figures.

use super::format::{num, pct, units, usd};
use super::metrics::Metrics;
use super::svg::draw;
use super::views::{plan_views, Unit, View};

pub(crate) const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;margin:24px auto;\
padding:0 16px;color:#222;line-height:1.45}h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;\
padding-bottom:4px;margin-top:1.8em}table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border:1px solid \
#ccc;padding:3px 7px}th{background:#f3f3f3}td.num,th.num{text-align:right}figure{margin:12px 0 24px}figcaption{font-weight:600;\
margin-bottom:4px}svg.chart{width:100%;height:auto;font-family:inherit}blockquote{border-left:4px solid #E69F00;margin:8px 0;\
padding:4px 12px;background:#fff8e8}code{background:#f3f3f3;padding:0 3px}\
@media print{body{max-width:none;margin:0;font-size:10pt}figure,table{break-inside:avoid}h2{break-after:avoid}}";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `**bold**` and `` `code` `` inside escaped text.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let (mut bold, mut code) = (false, false);
    let mut rest = esc(text);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = r.to_string();
        } else if let Some(r) = rest.strip_prefix('`') {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
            rest = r.to_string();
        } else {
            let ch = rest.chars().next().expect("non-empty");
            out.push(ch);
            rest = rest[ch.len_utf8()..].to_string();
        }
    }
    out
}

/// The subset of markdown `summary.md` uses: headings, paragraphs, quotes, lists, tables.
pub fn markdown_to_html(md: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.starts_with('|') {
            let mut rows = Vec::new();
            while i < lines.len() && lines[i].starts_with('|') {
                rows.push(lines[i]);
                i += 1;
            }
            let cells = |r: &str| -> Vec<String> {
                r.trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect()
            };
            let align: Vec<bool> = rows
                .get(1)
                .map(|r| cells(r).iter().map(|c| c.ends_with(':')).collect())
                .unwrap_or_default();
            out.push_str("<table>\n<thead><tr>");
            for (k, c) in cells(rows[0]).iter().enumerate() {
                let class = if align.get(k) == Some(&true) {
                    " class=\"num\""
                } else {
                    ""
                };
                out.push_str(&format!("<th{class}>{}</th>", inline(c)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in rows.iter().skip(2) {
                out.push_str("<tr>");
                for (k, c) in cells(r).iter().enumerate() {
                    let class = if align.get(k) == Some(&true) {
                        " class=\"num\""
                    } else {
                        ""
                    };
                    out.push_str(&format!("<td{class}>{}</td>", inline(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody></table>\n");
            continue;
        }
        if let Some(h) = l.strip_prefix("## ") {
            out.push_str(&format!("<h2>{}</h2>\n", inline(h)));
        } else if let Some(h) = l.strip_prefix("# ") {
            out.push_str(&format!("<h1>{}</h1>\n", inline(h)));
        } else if let Some(q) = l.strip_prefix("> ") {
            out.push_str(&format!("<blockquote>{}</blockquote>\n", inline(q)));
        } else if l.starts_with("- ") {
            out.push_str("<ul>\n");
            while i < lines.len() && lines[i].starts_with("- ") {
                out.push_str(&format!("<li>{}</li>\n", inline(&lines[i][2..])));
                i += 1;
            }
            out.push_str("</ul>\n");
            continue;
        } else if !l.trim().is_empty() {
            out.push_str(&format!("<p>{}</p>\n", inline(l)));
        }
        i += 1;
    }
    out
}

/// How a view's numbers print on its axis and in its tooltips.
pub fn formatter(unit: Unit) -> Box<dyn Fn(f64) -> String> {
    match unit {
        Unit::Usd => Box::new(usd),
        Unit::Mw => Box::new(|v| format!("{} MW", units(v))),
        Unit::Gw => Box::new(|v| format!("{} GW", num(v, 2))),
        Unit::Vcpu | Unit::DemandUnits | Unit::Units => Box::new(units),
        Unit::Probability => Box::new(pct),
        Unit::Months => Box::new(|v| num(v, 0)),
    }
}

pub fn report(m: &Metrics, summary_md: &str) -> Vec<u8> {
    page(
        &format!("Capacity plan: {}", m.scenario),
        &plan_views(m),
        summary_md,
    )
}

/// A page: its title, the views as charts, then the memo (without its own title line).
pub fn page(title: &str, views: &[View], memo_md: &str) -> Vec<u8> {
    let mut charts = String::new();
    for v in views {
        charts.push_str(&draw(v, &*formatter(v.unit)));
    }
    let memo = memo_md
        .lines()
        .skip_while(|l| !l.starts_with("# "))
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<h2>Charts</h2>\n{charts}{memo}\n</body>\n</html>\n",
        title = esc(title),
        memo = markdown_to_html(&memo),
    );
    html.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_memo_subset() {
        let html = markdown_to_html(
            "## Totals\n\n| a | b |\n|---|---:|\n| x | **1** |\n\n- one `two`\n\ntext <b>",
        );
        assert!(html.contains("<h2>Totals</h2>"));
        assert!(html.contains("<th class=\"num\">b</th>"));
        assert!(html.contains("<td class=\"num\"><strong>1</strong></td>"));
        assert!(html.contains("<li>one <code>two</code></li>"));
        assert!(html.contains("text &lt;b&gt;"));
    }
}
