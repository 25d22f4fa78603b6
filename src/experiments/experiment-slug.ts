/** The part of `sensor.ml_experiment_<slug>` an experiment's name gives: lower-case a–z, 0–9 and `_`. */
export function experimentSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
    .replace(/_+$/g, '');
  return slug === '' ? 'experiment' : slug;
}
