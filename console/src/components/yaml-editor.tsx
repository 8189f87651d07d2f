import { parse } from 'yaml';

/** The YAML problem of a values text, or '' when it is a mapping (or empty). */
export function yamlProblem(text: string): string {
  if (text.trim() === '') return '';
  try {
    const parsed: unknown = parse(text);
    if (parsed === null || parsed === undefined) return '';
    if (typeof parsed !== 'object' || Array.isArray(parsed)) return 'Values must be a YAML mapping (key: value lines).';
    return '';
  } catch (error) {
    return `Not valid YAML: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** A monospace editor for values, checked as YAML while typing; Tab indents instead of leaving the field. */
export function YamlEditor(props: { id: string; label: string; value: string; onChange: (text: string) => void; hint?: string }) {
  const problem = yamlProblem(props.value);
  const onKeyDown = (event: KeyboardEvent) => {
    // Tab types two spaces; Escape then Tab (or Shift+Tab) still leaves the editor, so keyboard users are never trapped.
    if (event.key !== 'Tab' || event.shiftKey || (event.currentTarget as HTMLTextAreaElement).dataset.escaped === 'yes') return;
    event.preventDefault();
    const area = event.currentTarget as HTMLTextAreaElement;
    area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
    props.onChange(area.value);
  };
  const onKeyUp = (event: KeyboardEvent) => {
    const area = event.currentTarget as HTMLTextAreaElement;
    area.dataset.escaped = event.key === 'Escape' ? 'yes' : 'no';
  };
  return (
    <div class="yaml-editor">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      <textarea
        id={props.id}
        class="mono"
        rows={Math.min(24, Math.max(8, props.value.split('\n').length + 1))}
        spellcheck={false}
        autoCapitalize="off"
        aria-describedby={[props.hint ? `${props.id}-hint` : '', problem ? `${props.id}-problem` : ''].filter(Boolean).join(' ') || undefined}
        aria-invalid={problem ? 'true' : undefined}
        value={props.value}
        onInput={(event) => props.onChange(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        onKeyUp={onKeyUp}
      />
      {problem && (
        <p class="field-problem" id={`${props.id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}
