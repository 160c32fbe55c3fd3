// Filling values into a message, and picking a message's form for a count.

/** Replaces {name} placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/**
 * A message about a count of something: `message(n)` is the form the language uses for n, with
 * {n} (and any other `values`) filled in.
 */
export type Counted = (n: number, values?: Record<string, string | number>) => string;

/** A message's form for each plural category its language uses; `other` stands in for any left out. */
type Forms = { [C in Intl.LDMLPluralRule]?: string } & { other: string };

/**
 * Makes a language's counted messages: Intl.PluralRules picks the form, so French and Brazilian
 * Portuguese say "0 fichier" / "0 arquivo" where English says "0 files".
 */
export function plurals(locale: string): (forms: Forms) => Counted {
  const rules = new Intl.PluralRules(locale);
  return (forms) => (n, values) => fill(forms[rules.select(n)] ?? forms.other, { n, ...values });
}
