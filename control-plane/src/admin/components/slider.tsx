/** @jsxImportSource hono/jsx */

export interface SliderProps {
  name: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  hint?: string;
}

/**
 * A labelled range slider with a number input for exact values. Both are submitted: the number as
 * `name`, the range as `name__range`, and the value they were rendered with as `name__was`, so
 * without JavaScript the server can tell which one the user moved (see sliderValue).
 */
export function Slider(p: SliderProps) {
  const id = `f-${p.name}`;
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <div class="slider">
        <input type="range" id={`${id}-range`} name={`${p.name}__range`} min={p.min} max={p.max} step={p.step} value={p.value} aria-label={`${p.label} (slider)`} />
        <input type="number" id={id} name={p.name} min={p.min} max={p.max} step="any" value={p.value} required aria-describedby={p.hint ? `${id}-hint` : undefined} />
      </div>
      <input type="hidden" name={`${p.name}__was`} value={p.value} />
      {p.hint && (
        <span class="hint" id={`${id}-hint`}>
          {p.hint}
        </span>
      )}
    </div>
  );
}

/** The slider's value from a query/form: the number input if it changed, else the range. */
export function sliderValue(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const num = Number(q.get(name) ?? NaN);
  const range = Number(q.get(`${name}__range`) ?? NaN);
  const was = Number(q.get(`${name}__was`) ?? NaN);
  let v = fallback;
  if (Number.isFinite(num) && q.get(name) !== '' && num !== was) v = num;
  else if (Number.isFinite(range) && range !== was) v = range;
  else if (Number.isFinite(num) && q.get(name) !== '') v = num;
  return Math.min(max, Math.max(min, v));
}
