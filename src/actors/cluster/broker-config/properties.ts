// server.properties as sections of key/value entries, written in a fixed order so that the same model always
// gives the same text (the configuration hash changes only when the configuration does).

export type Entry = readonly [key: string, value: string];

export interface Section {
  /** A comment line naming the concern. */
  title: string;
  entries: Entry[];
}

/** The text of the sections, in Java properties syntax; empty sections are left out. */
export function renderProperties(header: string, sections: readonly Section[]): string {
  const blocks = sections
    .filter((section) => section.entries.length > 0)
    .map((section) =>
      [
        `# ${section.title}`,
        ...section.entries.map(([key, value]) => `${escapeKey(key)}=${escapeValue(value)}`),
      ].join('\n'),
    );
  return `# ${header}\n\n${blocks.join('\n\n')}\n`;
}

// java.util.Properties: backslash escapes; separators and spaces in keys; leading spaces and newlines in values.
function escapeKey(key: string): string {
  return key.replace(/[\\=: ]/g, (character) => `\\${character}`);
}

function escapeValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replace(/^ /, '\\ ');
}
