/**
 * Slot filling shared by the generator and the bank loader's checks: `{slot}` in a template's text, `$slot` /
 * `${slot}` in its reference solutions, both taking values from a variant.
 */
import { REFERENCE_LANGUAGES, type ReferenceLanguage, type TaskVariant } from './types';

/** Placeholders in a template's text that the generator fills with the language's own word, not from a variant. */
export const LANGUAGE_WORDS = ['none', 'null', 'list', 'map'] as const;

/** True for a variant key that names a reference language (a per-variant reference, not a slot). */
export function isReferenceKey(key: string): key is ReferenceLanguage {
  return (REFERENCE_LANGUAGES as readonly string[]).includes(key);
}

function slotValue(variant: TaskVariant, key: string): string | undefined {
  return !isReferenceKey(key) && Object.prototype.hasOwnProperty.call(variant, key) ? variant[key] : undefined;
}

/** Fills `{slot}` placeholders from the variant; a value may itself hold placeholders (three passes at most). */
export function substituteSlots(text: string, variant: TaskVariant): string {
  let out = text;
  for (let pass = 0; pass < 3 && /\{\w+\}/.test(out); pass++) {
    out = out.replace(/\{(\w+)\}/g, (whole, key: string) => slotValue(variant, key) ?? whole);
  }
  return out;
}

/** `{slot}` placeholders left in text after {@link substituteSlots}, other than the language words. */
export function unfilledSlots(text: string, variant: TaskVariant): string[] {
  const left = substituteSlots(text, variant).match(/\{\w+\}/g) ?? [];
  return left.map((s) => s.slice(1, -1)).filter((s) => !(LANGUAGE_WORDS as readonly string[]).includes(s));
}

/** Fills `$name` / `${name}` with the entry point and `$slot` / `${slot}` from the variant; unknown ones stay. */
export function fillReference(source: string, variant: TaskVariant, name: string): string {
  return source.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const key = (braced ?? bare) as string;
    return (key === 'name' ? name : slotValue(variant, key)) ?? whole;
  });
}

/**
 * `$slot` placeholders a reference uses that the variant does not define. In TypeScript `${expr}` is the
 * language's own template-literal syntax, so only bare `$slot` counts there.
 */
export function unfilledReferenceSlots(source: string, variant: TaskVariant, language: ReferenceLanguage): string[] {
  const filled = fillReference(source, variant, 'name');
  const pattern = language === 'typescript' ? /\$(\w+)/g : /\$\{(\w+)\}|\$(\w+)/g;
  return [...filled.matchAll(pattern)].map((m) => '$' + (m[1] ?? m[2]));
}
