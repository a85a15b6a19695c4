import { useMutation } from '@tanstack/react-query';
import { Dialog } from './Dialog';
import { ErrorNote } from './Notice';

interface Props {
  title: string;
  message: string;
  action: string;
  open: boolean;
  onClose: () => void;
  run: () => Promise<unknown>;
}

// Asks before something that cannot be undone, and shows why it failed if it does.
export function Confirm({ title, message, action, open, onClose, run }: Props) {
  const mutation = useMutation({ mutationFn: run, onSuccess: onClose });
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <p>{message}</p>
      <ErrorNote error={mutation.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
          {action}
        </button>
      </div>
    </Dialog>
  );
}
