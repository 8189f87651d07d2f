import { isMap, parseDocument } from 'yaml';

/** A top-level property of values.schema.json that a plain form field can edit. */
interface SimpleProperty {
  key: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  enum?: Array<string | number>;
  description?: string;
  minimum?: number;
  maximum?: number;
}

const simpleTypes = new Set(['string', 'integer', 'number', 'boolean']);

/** The schema's top-level properties of a simple type; objects, arrays and unions stay the YAML editor's. */
export function simpleProperties(schema: Record<string, unknown> | null): SimpleProperty[] {
  const properties = schema?.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, Record<string, unknown>>).flatMap(([key, property]) => {
    if (typeof property !== 'object' || property === null || typeof property.type !== 'string' || !simpleTypes.has(property.type)) return [];
    return [
      {
        key,
        type: property.type as SimpleProperty['type'],
        enum: Array.isArray(property.enum) ? (property.enum as Array<string | number>) : undefined,
        description: typeof property.description === 'string' ? property.description : undefined,
        minimum: typeof property.minimum === 'number' ? property.minimum : undefined,
        maximum: typeof property.maximum === 'number' ? property.maximum : undefined,
      },
    ];
  });
}

/**
 * Fields for the chart's simple values, kept in step with the YAML text: each edit sets one key of the
 * parsed document, so the text's comments and other keys survive, and the YAML editor stays the truth.
 */
export function ValuesForm(props: { schema: Record<string, unknown> | null; values: string; onChange: (text: string) => void }) {
  const fields = simpleProperties(props.schema);
  if (fields.length === 0) return null;
  const document = parseDocument(props.values);
  const editable = document.errors.length === 0 && (document.contents === null || isMap(document.contents));

  const set = (key: string, value: string | number | boolean | undefined) => {
    const next = parseDocument(props.values);
    if (value === undefined) next.delete(key);
    else next.set(key, value);
    props.onChange(next.toString());
  };
  const fromInput = (field: SimpleProperty, text: string) => {
    if (text === '') return undefined;
    if (field.type === 'string') return text;
    const number = Number(text);
    // A half-typed number stays as typed (a string) until it is one; the YAML check and the server judge it.
    return Number.isFinite(number) ? number : text;
  };

  return (
    <fieldset class="values-form" disabled={!editable}>
      <legend>Values from the chart's schema</legend>
      {!editable && <p class="hint">Fix the YAML below to edit these fields.</p>}
      {fields.map((field) => {
        const id = `value-${field.key}`;
        const current: unknown = editable ? document.get(field.key) : undefined;
        const hint = field.description ? (
          <p class="hint" id={`${id}-hint`}>
            {field.description}
          </p>
        ) : null;
        if (field.type === 'boolean') {
          return (
            <div key={field.key}>
              <label class="check">
                <input type="checkbox" checked={current === true} onChange={(event) => set(field.key, event.currentTarget.checked)} /> {field.key}
              </label>
              {hint}
            </div>
          );
        }
        const shown = current === undefined || current === null ? '' : String(current);
        return (
          <div class="field" key={field.key}>
            <label for={id}>
              {field.key} <span class="hint">({field.type})</span>
            </label>
            {hint}
            {field.enum ? (
              <select id={id} value={shown} onChange={(event) => set(field.key, fromInput(field, event.currentTarget.value))}>
                <option value="">(chart default)</option>
                {field.enum.map((choice) => (
                  <option key={String(choice)} value={String(choice)}>
                    {String(choice)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type={field.type === 'string' ? 'text' : 'number'}
                step={field.type === 'integer' ? 1 : 'any'}
                min={field.minimum}
                max={field.maximum}
                aria-describedby={hint ? `${id}-hint` : undefined}
                value={shown}
                onInput={(event) => set(field.key, fromInput(field, event.currentTarget.value))}
              />
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
