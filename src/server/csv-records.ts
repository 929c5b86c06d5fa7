import { UsageError } from './usage-error.js';

/** One record of a CSV text: its fields as written (unquoted, not trimmed) and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * The records of a CSV text (RFC 4180): fields separated by commas, records by CRLF, LF or CR; a field in double
 * quotes may hold commas, line breaks and doubled quotes (`""`). Lenient where exports differ: spaces before an
 * opening quote are dropped, a quote inside an unquoted field is kept, text after a closing quote is appended.
 * Blank records (an empty line, or only commas and spaces) are left out. Throws a UsageError for an unclosed quote.
 */
export function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  /** The line of the open quote; 0 outside quotes. */
  let quotedAt = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.some((value) => value.trim())) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quotedAt && char == '"') {
      if (text[index + 1] == '"') field += text[++index];
      else quotedAt = 0;
    } else if (quotedAt) {
      if (char == '\n' || (char == '\r' && text[index + 1] != '\n')) line++;
      field += char;
    } else if (char == '"' && !field.trim()) {
      field = '';
      quotedAt = line;
    } else if (char == ',') {
      fields.push(field);
      field = '';
    } else if (char == '\n' || char == '\r') {
      if (char == '\r' && text[index + 1] == '\n') index++;
      endRecord();
      recordLine = ++line;
    } else {
      field += char;
    }
  }
  if (quotedAt) throw new UsageError(`line ${quotedAt}: a quoted field is not closed`);
  endRecord();
  return records;
}
