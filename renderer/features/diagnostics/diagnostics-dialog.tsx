import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from '../../components/button';
import { BridgePanel } from './bridge-panel';
import { EngineLogPanel } from './engine-log-panel';
import './diagnostics.css';

/**
 * Diagnostics, for whoever runs the machine rather than the show: the bridge (binding, audio
 * frames, audio delay, a ping) and the engine log, behind a top-bar button so the host's screen
 * carries only the show. A modal <dialog>: Escape or Close returns to the control room.
 */
export function DiagnosticsButton(): ReactNode {
  // Only whether the dialog is open: UI state of this button, nothing the store needs to know.
  const [open, setOpen] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <>
      <Button aria-label="Diagnostics" aria-haspopup="dialog" variant="ghost" data-testid="open-diagnostics" onClick={() => setOpen(true)}>
        Diagnostics
      </Button>
      <dialog
        ref={dialogRef}
        className="diagnostics-dialog"
        aria-labelledby={titleId}
        data-testid="diagnostics"
        onClose={() => setOpen(false)}
      >
        {open ? (
          <div className="diagnostics-dialog__body">
            <header className="diagnostics-dialog__head">
              <h2 id={titleId} className="diagnostics-dialog__title">
                Diagnostics
              </h2>
              <p className="muted">How this window talks to the engine, and the engine’s own log. The show does not need anything here.</p>
              <Button aria-label="Close diagnostics" data-testid="close-diagnostics" onClick={() => setOpen(false)}>
                Close
              </Button>
            </header>
            <div className="diagnostics-dialog__panels">
              <BridgePanel />
              <EngineLogPanel />
            </div>
          </div>
        ) : null}
      </dialog>
    </>
  );
}
