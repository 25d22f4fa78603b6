/** Okabe–Ito: eight colours told apart with every common colour-vision deficiency. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

export function seriesColour(index: number): string {
  return OKABE_ITO[index % (OKABE_ITO.length - 1)] ?? '#0072B2';
}

/** The page's text colour, for axes (follows light/dark). */
export function textColour(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#222';
}

export function gridColour(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--grid').trim() || '#ddd';
}
