import { escapeHtml } from '../../../common/html';

/**
 * Markup built from tagged templates and element calls: every interpolated string and attribute value is escaped
 * unless it is already markup, so a value from a report (a symbol, a summary, a note) can never open a tag or an
 * attribute in the exported document.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Interpolation = Markup | string | number | null | undefined | false | readonly Interpolation[];

export { escapeHtml };

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** A template of markup; named `markup` rather than `html` so formatters leave the template's text as written. */
export function markup(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Markup(out);
}

export type Attributes = Record<string, string | number | null | undefined>;

/** One element; without children it closes itself, as SVG's shapes do. Null attributes are left out. */
export function element(name: string, attributes: Attributes, ...children: Interpolation[]): Markup {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeHtml(String(value))}"`)
    .join('');
  return children.length === 0
    ? new Markup(`<${name}${attrs}/>`)
    : new Markup(`<${name}${attrs}>${render(children)}</${name}>`);
}

/** Constant markup written in this folder (the stylesheet), never text from a report. */
export const trusted = (text: string): Markup => new Markup(text);
