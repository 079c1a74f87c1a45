// A modal question (the native <dialog>: focus stays inside, Escape answers
// "no"), used to confirm a delete and to drop unsaved changes.

import { h } from './util.js';

/** Resolves true when the user confirms, false on Cancel or Escape. */
export function confirmDialog({ title, body, confirmLabel, cancelLabel = 'Cancel', danger = false }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const yes = h('button', { type: 'submit', value: 'yes', class: `btn ${danger ? 'danger-solid' : 'primary'}`, id: 'confirm-yes' }, confirmLabel);
    const no = h('button', { type: 'submit', value: 'no', class: 'btn secondary', id: 'confirm-no' }, cancelLabel);
    const dlg = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': body ? 'confirm-body' : undefined },
      h('form', { method: 'dialog' },
        h('h2', { id: 'confirm-title' }, title),
        body ? h('p', { id: 'confirm-body' }, body) : null,
        h('div', { class: 'confirm-actions' }, no, yes)));
    dlg.addEventListener('close', () => {
      const ok = dlg.returnValue === 'yes';
      dlg.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(ok);
    });
    document.body.append(dlg);
    dlg.showModal();
    // The safe answer has the focus: Enter right away keeps the task.
    no.focus();
  });
}
