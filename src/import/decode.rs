//! Spreadsheet bytes to text: the encoding told or detected (a BOM, valid
//! UTF-8, else GB18030, which reads GBK and GB2312 too), and the checks
//! that a file is a text table at all (no binary data, no runaway line).
//! This file owns decoding and header-name cleaning; splitting the text
//! into rows is the `csv` crate's, called from `plan`.

use std::borrow::Cow;

use super::mapping::line_at;
use super::mapping::Encoding;
use crate::{Error, Result};

/// The longest row the import takes, in bytes: a registry or patent row is
/// a few kilobytes; a row of many megabytes is a file that is not a
/// table (or a quote left open).
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// A decoded file and the encoding it was read in.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// `utf-8`, `utf-8 (BOM)`, `utf-16le`, `utf-16be` or `gb18030`.
    pub encoding: &'static str,
}

/// Decodes a spreadsheet's bytes as `encoding` says (detecting it for
/// [`Encoding::Auto`]) and checks that they are text; `file` names it in
/// errors.
///
/// Fails with [`Error::InvalidCsv`] naming the line of the first byte that
/// is not text in the encoding, or of the first control character (binary
/// data).
pub fn decode<'a>(bytes: &'a [u8], encoding: Encoding, file: &str) -> Result<Decoded<'a>> {
    let bad = |line: usize, message: String| Error::InvalidCsv {
        file: file.to_string(),
        line,
        message,
    };
    let utf8 = |bytes: &'a [u8], offset: usize| {
        std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|error| {
            let at = offset + error.valid_up_to();
            bad(
                line_at(bytes, error.valid_up_to()),
                format!(
                    "not UTF-8 text (byte 0x{:02x} at offset {at}); save the sheet as \"CSV UTF-8\", or pass --encoding gbk",
                    bytes.get(error.valid_up_to()).copied().unwrap_or(0)
                ),
            )
        })
    };
    let decoded = match (encoding, bytes) {
        (Encoding::Auto | Encoding::Utf8, [0xEF, 0xBB, 0xBF, rest @ ..]) => Decoded {
            text: utf8(rest, 3)?,
            encoding: "utf-8 (BOM)",
        },
        (Encoding::Auto, [0xFF, 0xFE, ..]) => utf16(bytes, encoding_rs::UTF_16LE, "utf-16le", file)?,
        (Encoding::Auto, [0xFE, 0xFF, ..]) => utf16(bytes, encoding_rs::UTF_16BE, "utf-16be", file)?,
        (Encoding::Utf8, _) => Decoded {
            text: utf8(bytes, 0)?,
            encoding: "utf-8",
        },
        (Encoding::Auto, _) if std::str::from_utf8(bytes).is_ok() => Decoded {
            text: utf8(bytes, 0)?,
            encoding: "utf-8",
        },
        (Encoding::Auto | Encoding::Gbk, _) => Decoded {
            text: Cow::Owned(gb18030(bytes, file)?),
            encoding: "gb18030",
        },
    };
    check_text(&decoded.text, file)?;
    Ok(decoded)
}

/// Decodes GB18030, failing at the first byte sequence it does not hold.
fn gb18030(bytes: &[u8], file: &str) -> Result<String> {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut read_total = 0;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut text, true);
        read_total += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(text),
            encoding_rs::DecoderResult::OutputFull => text.reserve(bytes.len() - read_total + 16),
            encoding_rs::DecoderResult::Malformed(bad, _) => {
                let at = read_total.saturating_sub(usize::from(bad));
                return Err(Error::InvalidCsv {
                    file: file.to_string(),
                    line: line_at(bytes, at),
                    message: format!(
                        "neither UTF-8 nor GBK/GB18030 text (byte 0x{:02x} at offset {at})",
                        bytes.get(at).copied().unwrap_or(0)
                    ),
                });
            }
        }
    }
}

/// Decodes UTF-16 with a BOM (what Excel's "Unicode text" writes).
fn utf16<'a>(
    bytes: &'a [u8],
    encoding: &'static encoding_rs::Encoding,
    name: &'static str,
    file: &str,
) -> Result<Decoded<'a>> {
    match encoding.decode_with_bom_removal(bytes) {
        (text, false) => Ok(Decoded { text, encoding: name }),
        (_, true) => Err(Error::InvalidCsv {
            file: file.to_string(),
            line: 0,
            message: format!("starts as {name} but does not decode as it"),
        }),
    }
}

/// Fails on the first control character other than tab, line feed and
/// carriage return (binary data; a NUL is what a spreadsheet saved in its
/// own format, or a UTF-16 file without BOM, shows first).
fn check_text(text: &str, file: &str) -> Result<()> {
    let Some(at) = text.find(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) else {
        return Ok(());
    };
    let byte = text[at..].chars().next().map_or(0, |c| c as u32);
    let hint = if text.starts_with("PK") {
        " (an .xlsx workbook? save the sheet as CSV)"
    } else {
        ""
    };
    Err(Error::InvalidCsv {
        file: file.to_string(),
        line: line_at(text.as_bytes(), at),
        message: format!("binary data (control character U+{byte:04X}), not a CSV text{hint}"),
    })
}

/// A header cell as it is matched against the mapping's column names:
/// without surrounding spaces (ASCII, full-width or no-break) or BOM.
pub fn clean_header(name: &str) -> &str {
    name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{3000}' || c == '\u{a0}')
}

/// Fails when a row of the text is longer than [`MAX_ROW_BYTES`], naming
/// its first line, or when a quoted cell is never closed. Rows and quotes
/// are read as the `csv` crate reads them: a quote opens a quoted cell
/// only at the start of a cell, `""` inside one is a quote, and line ends
/// inside one belong to the cell.
pub fn check_rows(text: &str, delimiter: u8, file: &str) -> Result<()> {
    #[derive(PartialEq)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let bytes = text.as_bytes();
    let mut state = State::CellStart;
    let mut row_start = 0;
    let mut quote_start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let row_end = byte == b'\n' || byte == b'\r';
        state = match state {
            State::Quoted if byte == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if byte == b'"' => State::Quoted,
            State::CellStart if byte == b'"' => {
                quote_start = at;
                State::Quoted
            }
            _ if byte == delimiter => State::CellStart,
            _ if row_end => {
                row_start = at + 1;
                State::CellStart
            }
            _ => State::Unquoted,
        };
        if at.saturating_sub(row_start) > MAX_ROW_BYTES {
            let quoted = state == State::Quoted;
            let message = if quoted {
                format!(
                    "a quoted cell runs on for more than {} MB (a `\"` is missing?)",
                    MAX_ROW_BYTES >> 20
                )
            } else {
                format!("a row longer than {} MB: not a spreadsheet row", MAX_ROW_BYTES >> 20)
            };
            return Err(Error::InvalidCsv {
                file: file.to_string(),
                line: line_at(bytes, if quoted { quote_start } else { row_start }),
                message,
            });
        }
    }
    if state == State::Quoted {
        return Err(Error::InvalidCsv {
            file: file.to_string(),
            line: line_at(bytes, quote_start),
            message: "a quoted cell is never closed (a `\"` is missing)".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    #[test]
    fn encodings_are_detected() {
        let plain = decode("名称,申请号\n".as_bytes(), Encoding::Auto, "a.csv").unwrap();
        assert_eq!((plain.text.as_ref(), plain.encoding), ("名称,申请号\n", "utf-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), "名称\n".as_bytes()].concat();
        let with_bom = decode(&bom, Encoding::Auto, "a.csv").unwrap();
        assert_eq!((with_bom.text.as_ref(), with_bom.encoding), ("名称\n", "utf-8 (BOM)"));
        let chinese = gbk("企业名称,法定代表人\n青岛澜海科技有限公司,张伟\n");
        assert!(std::str::from_utf8(&chinese).is_err());
        let detected = decode(&chinese, Encoding::Auto, "a.csv").unwrap();
        assert_eq!(detected.encoding, "gb18030");
        assert!(detected.text.contains("青岛澜海科技有限公司,张伟"));
        let forced = decode(&chinese, Encoding::Gbk, "a.csv").unwrap();
        assert_eq!(forced.text, detected.text);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("名称\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, Encoding::Auto, "a.csv").unwrap().text, "名称\n");
    }

    #[test]
    fn utf8_forced_on_gbk_names_the_line() {
        let mut bytes = b"a,b\nc,d\n".to_vec();
        bytes.extend(gbk("青岛,x\n"));
        let error = decode(&bytes, Encoding::Utf8, "p.csv").unwrap_err().to_string();
        assert!(error.starts_with("p.csv:3: not UTF-8 text"), "{error}");
    }

    #[test]
    fn binary_data_is_refused_with_its_line() {
        let error = decode(b"a,b\n1,2\n\x00\x01\x02", Encoding::Auto, "x.csv")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("x.csv:3: binary data"), "{error}");
        let zip = decode(b"PK\x03\x04\x14\x00", Encoding::Auto, "x.csv")
            .unwrap_err()
            .to_string();
        assert!(zip.contains("xlsx"), "{zip}");
    }

    #[test]
    fn headers_lose_spaces_and_bom() {
        assert_eq!(clean_header("\u{feff} 企业名称\u{3000}"), "企业名称");
        assert_eq!(clean_header("申请号"), "申请号");
    }

    #[test]
    fn runaway_rows_and_open_quotes_are_found() {
        assert!(check_rows("a,b\n\"x\ny\",z\n", b',', "f.csv").is_ok());
        assert!(check_rows("a,b\n5\" screen,\"say \"\"hi\"\"\"\n", b',', "f.csv").is_ok());
        let open = check_rows("a,b\n1,2\n3,\"never closed\n4,5\n", b',', "f.csv").unwrap_err();
        assert_eq!(
            open.to_string(),
            "f.csv:3: a quoted cell is never closed (a `\"` is missing)"
        );
        let long = format!("a,b\n1,{}\n", "x".repeat(MAX_ROW_BYTES + 10));
        let error = check_rows(&long, b',', "f.csv").unwrap_err().to_string();
        assert!(error.starts_with("f.csv:2: a row longer than 1 MB"), "{error}");
    }
}
