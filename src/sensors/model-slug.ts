/**
 * Entity-id slugs of model names: `Voice Recognition` → `voice_recognition`. Pure.
 *
 * Rules: letters are transliterated to ASCII where that is easy (accents are stripped by Unicode
 * decomposition, `é` → `e`, `ü` → `u`, `ñ` → `n`; a few letters that do not decompose are mapped:
 * `ß` → `ss`, `æ` → `ae`, `œ` → `oe`, `ø` → `o`, `ł` → `l`, `đ`/`ð` → `d`, `þ` → `th`, `ı` → `i`);
 * other scripts (Cyrillic, Greek, CJK…) are dropped. Then the text is lower-cased, every run of
 * characters other than `a-z0-9` becomes one `_`, and `_` is trimmed from both ends. An empty
 * result becomes `model`.
 */

const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
};

export const FALLBACK_SLUG = 'model';

/** The slug of one model name (see the module comment for the rules). */
export function modelSlug(name: string): string {
  const transliterated = [...name.normalize('NFKD')]
    .map((char) => SPECIAL_LETTERS[char] ?? char)
    .join('')
    .replace(/\p{M}+/gu, '');
  const slug = transliterated
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug === '' ? FALLBACK_SLUG : slug;
}

/**
 * Slugs for a set of model names, unique: names are taken in sorted order, the first keeps its
 * slug and later names with the same slug get `_2`, `_3`… Returns name → slug and the names that
 * had to be renamed.
 */
export function assignSlugs(names: readonly string[]): { slugs: Map<string, string>; renamed: string[] } {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  const renamed: string[] = [];
  for (const name of [...new Set(names)].sort()) {
    const base = modelSlug(name);
    let slug = base;
    for (let n = 2; taken.has(slug); n += 1) slug = `${base}_${n}`;
    if (slug !== base) renamed.push(name);
    taken.add(slug);
    slugs.set(name, slug);
  }
  return { slugs, renamed };
}
