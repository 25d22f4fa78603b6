/**
 * The SVG path of a sparkline: `values` spread evenly over `width`, scaled from [min, max] to
 * [height, 0]; a null value (an empty bucket) breaks the line. A lone point between gaps is a dot
 * (a zero-length segment drawn with round caps). Pure: no DOM.
 */
export function sparkPath(values: readonly (number | null)[], width: number, height: number, min = 0, max = 1): string {
  if (values.length === 0) return '';
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const span = max - min || 1;
  const parts: string[] = [];
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false;
      return;
    }
    const x = round(values.length > 1 ? index * step : width / 2);
    const y = round(height - ((Math.min(max, Math.max(min, value)) - min) / span) * height);
    const next = values[index + 1];
    const alone = !drawing && (next === null || next === undefined || !Number.isFinite(next));
    parts.push(`${drawing ? 'L' : 'M'}${x} ${y}${alone ? 'h0' : ''}`);
    drawing = true;
  });
  return parts.join('');
}

const round = (value: number) => Math.round(value * 100) / 100;
