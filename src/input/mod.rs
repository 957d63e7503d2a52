//! Stage 1: read the scenario folder's CSV files into tables of text cells with line numbers.
//! Nothing is interpreted here beyond the file layout (header, UTF-8, field counts); every
//! problem is collected, never thrown.

pub mod schema;

use crate::diagnostics::{Diagnostics, WHOLE_FILE, WHOLE_ROW};
use schema::FileSchema;
use std::path::Path;

/// One data row: its line in the file and its cells, aligned with the schema's columns
/// (a column absent from the file reads as "").
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    cells: Vec<String>,
}

/// A file read against its schema.
#[derive(Debug, Clone)]
pub struct Table {
    pub schema: &'static FileSchema,
    /// The path shown in messages.
    pub display: String,
    pub rows: Vec<Row>,
    /// Whether each schema column appeared in the header.
    present: Vec<bool>,
}

impl Table {
    /// The trimmed cell of `column` in `row`, "" when blank or absent. `column` must be in the schema.
    pub fn cell<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        let i = self.column_index(column);
        row.cells[i].as_str()
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.present[self.column_index(column)]
    }

    /// Replaces the cell of `column` in row `row` (an in-memory override; the column then counts
    /// as present).
    pub fn set_cell(&mut self, row: usize, column: &str, value: String) {
        let i = self.column_index(column);
        self.rows[row].cells[i] = value;
        self.present[i] = true;
    }

    fn column_index(&self, column: &str) -> usize {
        self.schema
            .columns
            .iter()
            .position(|c| c.name == column)
            .unwrap_or_else(|| {
                panic!(
                    "column {column} is not in the schema of {}",
                    self.schema.name
                )
            })
    }
}

/// All the files of one scenario folder; `None` for an optional file that is absent
/// or a file that could not be read at all.
#[derive(Debug, Clone)]
pub struct Tables {
    pub settings: Option<Table>,
    pub providers: Option<Table>,
    pub skus: Option<Table>,
    pub workloads: Option<Table>,
    pub demand: Option<Table>,
    pub offers: Option<Table>,
    pub perf: Option<Table>,
    pub contracts: Option<Table>,
    pub minimums: Option<Table>,
    pub power: Option<Table>,
    pub rules: Option<Table>,
    pub reservations: Option<Table>,
    pub finance: Option<Table>,
}

impl Tables {
    /// Every file slot with its name; a new input file is added here and in `read_folder`.
    pub fn slots_mut(&mut self) -> Vec<(&'static str, &mut Option<Table>)> {
        vec![
            (schema::SETTINGS.name, &mut self.settings),
            (schema::PROVIDERS.name, &mut self.providers),
            (schema::SKUS.name, &mut self.skus),
            (schema::WORKLOADS.name, &mut self.workloads),
            (schema::DEMAND.name, &mut self.demand),
            (schema::OFFERS.name, &mut self.offers),
            (schema::PERF.name, &mut self.perf),
            (schema::CONTRACTS.name, &mut self.contracts),
            (schema::MINIMUMS.name, &mut self.minimums),
            (schema::POWER.name, &mut self.power),
            (schema::RULES.name, &mut self.rules),
            (schema::RESERVATIONS.name, &mut self.reservations),
            (schema::FINANCE.name, &mut self.finance),
        ]
    }

    /// The table of the file called `name`, if the folder has it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.slots_mut()
            .into_iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, t)| t.as_mut())
    }
}

/// Reads every file of the folder. Problems go to `diags`; reading goes on past them.
pub fn read_folder(dir: &Path, diags: &mut Diagnostics) -> Tables {
    let mut read = |s: &'static FileSchema| read_table(dir, s, diags);
    Tables {
        settings: read(&schema::SETTINGS),
        providers: read(&schema::PROVIDERS),
        skus: read(&schema::SKUS),
        workloads: read(&schema::WORKLOADS),
        demand: read(&schema::DEMAND),
        offers: read(&schema::OFFERS),
        perf: read(&schema::PERF),
        contracts: read(&schema::CONTRACTS),
        minimums: read(&schema::MINIMUMS),
        power: read(&schema::POWER),
        rules: read(&schema::RULES),
        reservations: read(&schema::RESERVATIONS),
        finance: read(&schema::FINANCE),
    }
}

/// Reads one file against its schema.
pub fn read_table(
    dir: &Path,
    schema: &'static FileSchema,
    diags: &mut Diagnostics,
) -> Option<Table> {
    let path = dir.join(schema.name);
    let display = path.display().to_string();
    // Only regular files (or symlinks to them) are opened: opening a named pipe blocks until
    // someone writes to it, and a device may never end.
    match std::fs::metadata(&path) {
        Ok(m) if !m.is_file() => {
            diags.push(
                &display,
                1,
                WHOLE_FILE,
                format!("not a regular file ({})", kind_of(&m.file_type())),
            );
            return None;
        }
        _ => {}
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if schema.required {
                diags.push(&display, 1, WHOLE_FILE, "required file not found");
            }
            return None;
        }
        Err(e) => {
            diags.push(&display, 1, WHOLE_FILE, format!("cannot read file: {e}"));
            return None;
        }
    };
    Some(parse_table(schema, display, &bytes, diags))
}

/// What a non-regular file is, for the message.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Parses file contents; public for tests and fuzzing.
pub fn parse_table(
    schema: &'static FileSchema,
    display: String,
    bytes: &[u8],
    diags: &mut Diagnostics,
) -> Table {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Line numbers come from byte offsets: the csv crate's own line count skips blank lines.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    // A record's position can point at the blank lines skipped before it: step over them.
    let line_of = |byte: u64| {
        let mut at = byte as usize;
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        line_starts.partition_point(|&s| s <= at) as u64
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut table = Table {
        schema,
        display,
        rows: Vec::new(),
        present: vec![false; schema.columns.len()],
    };
    // Position in the file of each header field, per schema column.
    let mut positions: Vec<Option<usize>> = vec![None; schema.columns.len()];
    let mut header: Option<Vec<String>> = None;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = line_of(reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map(|p| line_of(p.byte())).unwrap_or(line);
                diags.push(
                    &table.display,
                    at,
                    WHOLE_ROW,
                    format!("cannot parse CSV: {e}"),
                );
                break;
            }
        }
        let line = record.position().map(|p| line_of(p.byte())).unwrap_or(line);
        let labels: Vec<String> = match &header {
            Some(h) => h.clone(),
            None => Vec::new(),
        };
        let mut cells = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            let text = match std::str::from_utf8(field) {
                Ok(s) => s.trim().to_string(),
                Err(e) => {
                    let label = labels.get(i).map(String::as_str).unwrap_or(WHOLE_ROW);
                    let bad = field.get(e.valid_up_to()).copied().unwrap_or(0);
                    diags.push(
                        &table.display,
                        line,
                        label,
                        format!(
                            "not valid UTF-8 (byte 0x{bad:02x} at offset {} of the cell)",
                            e.valid_up_to()
                        ),
                    );
                    String::from_utf8_lossy(field).trim().to_string()
                }
            };
            cells.push(text);
        }
        match &header {
            None => {
                check_header(schema, &table.display, line, &cells, &mut positions, diags);
                for (i, p) in positions.iter().enumerate() {
                    table.present[i] = p.is_some();
                }
                header = Some(cells);
            }
            Some(h) => {
                if cells.iter().all(|c| c.is_empty()) {
                    continue; // a blank line, or only separators
                }
                if cells.len() != h.len() {
                    diags.push(
                        &table.display,
                        line,
                        WHOLE_ROW,
                        format!("has {} fields but the header has {}", cells.len(), h.len()),
                    );
                    continue;
                }
                let aligned = positions
                    .iter()
                    .map(|p| p.map(|i| cells[i].clone()).unwrap_or_default())
                    .collect();
                table.rows.push(Row {
                    line,
                    cells: aligned,
                });
            }
        }
    }
    if header.is_none() {
        diags.push(
            &table.display,
            1,
            WHOLE_FILE,
            "file is empty: expected a header row",
        );
    }
    table
}

fn check_header(
    schema: &FileSchema,
    display: &str,
    line: u64,
    names: &[String],
    positions: &mut [Option<usize>],
    diags: &mut Diagnostics,
) {
    for (i, name) in names.iter().enumerate() {
        match schema.columns.iter().position(|c| c.name == name.as_str()) {
            Some(k) if positions[k].is_some() => {
                diags.push(display, line, name, "column appears twice in the header");
            }
            Some(k) => positions[k] = Some(i),
            None => {
                let expected: Vec<&str> = schema.columns.iter().map(|c| c.name).collect();
                let shown = if name.is_empty() {
                    "(blank)"
                } else {
                    name.as_str()
                };
                diags.push(
                    display,
                    line,
                    shown,
                    format!(
                        "unknown column '{}' (expected: {})",
                        crate::diagnostics::echo(name),
                        expected.join(", ")
                    ),
                );
            }
        }
    }
    for (k, c) in schema.columns.iter().enumerate() {
        if c.required && positions[k].is_none() {
            diags.push(
                display,
                line,
                c.name,
                "required column is missing from the header",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(schema: &'static FileSchema, text: &[u8]) -> (Table, Vec<String>) {
        let mut d = Diagnostics::default();
        let t = parse_table(schema, schema.name.to_string(), text, &mut d);
        (t, d.iter().map(|x| x.to_string()).collect())
    }

    #[test]
    fn reads_columns_in_any_order_with_line_numbers() {
        let (t, d) = parse(
            &schema::PROVIDERS,
            b"name,provider\nMicrosoft Azure,azure\n\nAWS , aws\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.cell(&t.rows[0], "provider"), "azure");
        assert_eq!(t.rows[1].line, 4);
        assert_eq!(t.cell(&t.rows[1], "name"), "AWS");
    }

    #[test]
    fn reports_unknown_missing_and_ragged() {
        let (_, d) = parse(&schema::SKUS, b"sku,resourse\nh100,gpu,3\n");
        assert!(
            d.iter()
                .any(|m| m.starts_with("skus.csv:1: resourse: unknown column")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|m| m.starts_with("skus.csv:1: resource: required column")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|m| m.starts_with("skus.csv:2: (row): has 3 fields")),
            "{d:?}"
        );
    }

    #[test]
    fn reports_bad_utf8_without_stopping() {
        let (t, d) = parse(&schema::PROVIDERS, b"provider,name\naz\xffure,x\naws,y\n");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].starts_with("providers.csv:2: provider: not valid UTF-8"),
            "{d:?}"
        );
        assert_eq!(t.rows.len(), 2);
    }

    #[test]
    fn empty_file_and_bom() {
        let (_, d) = parse(&schema::DEMAND, b"");
        assert_eq!(
            d,
            vec!["demand.csv:1: (file): file is empty: expected a header row".to_string()]
        );
        let (t, d) = parse(&schema::PROVIDERS, b"\xEF\xBB\xBFprovider\nazure\n");
        assert!(d.is_empty());
        assert_eq!(t.cell(&t.rows[0], "name"), "");
    }

    #[test]
    fn multiline_quoted_cell_keeps_line_numbers() {
        let (t, d) = parse(
            &schema::PROVIDERS,
            b"provider,name\nazure,\"Micro\nsoft\"\naws,AWS\n",
        );
        assert!(d.is_empty());
        assert_eq!(t.rows[1].line, 4);
    }
}
