// Reads a table of a Markdown document that sits between `<!-- name -->` and `<!-- /name -->`, so a
// test can compare what the docs say with what the code does. Cells hold no `|`; backticks are dropped.
export function markdownTable(markdown: string, name: string): Record<string, string>[] {
  const start = markdown.indexOf(`<!-- ${name} -->`);
  const end = markdown.indexOf(`<!-- /${name} -->`);
  if (start < 0 || end < start) throw new Error(`no table between <!-- ${name} --> and <!-- /${name} -->`);
  const lines = markdown
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim().replaceAll('`', ''));
  const [header, separator, ...rows] = lines;
  if (header === undefined || separator === undefined || !/^\|[-\s|]+\|$/.test(separator)) {
    throw new Error(`the table ${name} has no header and separator row`);
  }
  const columns = cells(header);
  return rows.map((row) => {
    const values = cells(row);
    if (values.length !== columns.length) {
      throw new Error(`a row of the table ${name} has ${values.length} cells, not ${columns.length}: ${row}`);
    }
    return Object.fromEntries(columns.map((column, index) => [column, values[index] ?? '']));
  });
}
