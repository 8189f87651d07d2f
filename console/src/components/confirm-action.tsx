/**
 * A row's irreversible action, asked for twice: the first press names what would go, the second does it,
 * "Keep it" takes the question back. `asking` is the table's one row under question.
 */
export function ConfirmAction(props: {
  verb: string;
  name: string;
  asking: boolean;
  busy: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  if (!props.asking) {
    return (
      <button type="button" class="secondary" onClick={props.onAsk}>
        {props.verb} {props.name}…
      </button>
    );
  }
  return (
    <>
      <button type="button" class="danger" disabled={props.busy} onClick={props.onConfirm}>
        {props.verb} {props.name} now
      </button>
      <button type="button" class="secondary" onClick={props.onCancel}>
        Keep it
      </button>
    </>
  );
}
