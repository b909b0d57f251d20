// Small pieces every screen uses: a problem shown where it happened, labelled fields, a
// status line read out by screen readers.
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { Problem } from '../api/types';

export function problemOf(e: unknown): Problem {
  if (e instanceof ApiError) return e.problem;
  return { type: 'about:blank', title: 'Error', status: 0, detail: e instanceof Error ? e.message : String(e) };
}

export function ProblemView({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert">
      <strong>{problem.title}</strong>
      {problem.detail && <span> — {problem.detail}</span>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.pointer + e.message}>
              <code>{e.pointer || '/'}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// A unique id per field, fixed for its lifetime (Preact's useId repeats ids in fields mounted
// after the first render).
let fields = 0;
export function Field(props: { label: string; children: (id: string) => ComponentChildren }) {
  const id = useRef(`field-${++fields}`).current;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
    </div>
  );
}

// A labelled choice among fixed values, each shown by its translated label.
export function SelectField<Option extends string>(props: {
  label: string;
  name: string;
  value: string;
  options: readonly Option[];
  labelOf: (option: Option) => string;
  onChange: (e: Event) => void;
}) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} name={props.name} value={props.value} onChange={props.onChange}>
          {props.options.map((o) => (
            <option key={o} value={o}>
              {props.labelOf(o)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Status({ text }: { text: string }) {
  return (
    <p class="status" role="status" aria-live="polite">
      {text}
    </p>
  );
}
