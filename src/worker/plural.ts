/**
 * A count with its noun, in the form that reads right for that count: `1 item`, `0 items`,
 * `2 copies`. Nouns that do not take a plain `s` pass their plural form.
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
