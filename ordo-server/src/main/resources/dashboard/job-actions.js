// Cancel, restart and delete for one job: shown only when they apply, and only to admins.
import { html, useState } from './html.js';
import { api, canWrite } from './api.js';
import { ActionButton, ErrorNote, confirmDialog, plural } from './ui.js';
import { LIVE, TERMINAL } from './format.js';

/** props: job; onDone(what, answer) after an action; descendants: how many jobs are under it (for the question). */
export function JobActions({ job, onDone, descendants = 0 }) {
  const [error, setError] = useState(null);
  if (!canWrite()) return null;
  const run = async (what, ask, call) => {
    setError(null);
    if (ask && !(await confirmDialog(ask))) return;
    try {
      onDone(what, await call());
    } catch (e) {
      setError(e);
    }
  };
  const under = descendants > 0 ? ` and the ${plural(descendants, 'job')} under it` : '';
  const canCancel = LIVE.includes(job.status);
  const canRestart = job.status === 'failed' || job.status === 'cancelled';
  const canDelete = TERMINAL.includes(job.status);
  return html`<div class="actions">
    <div class="row">
      ${canCancel ? html`<${ActionButton} kind="danger" label="Cancel this job" onClick=${() => run('cancel', {
        title: 'Cancel this job?', message: `This ${job.type} job${under} will be cancelled` + (job.status === 'running'
          ? '; it is running, so it is asked to stop and interrupted after a grace period.' : '.'),
        confirm: 'Cancel job', danger: true }, () => api.post(`/api/jobs/${job.id}/cancel`))}>Cancel</${ActionButton}>` : null}
      ${canRestart ? html`<${ActionButton} kind="primary" label="Restart this job" onClick=${() => run('restart', null,
        () => api.post(`/api/jobs/${job.id}/restart`))}>Restart</${ActionButton}>` : null}
      ${canDelete ? html`<${ActionButton} label="Delete this job" onClick=${() => run('delete', {
        title: 'Delete this job?', message: `This ${job.type} job${under} will be deleted with its logs. This cannot be undone.`,
        confirm: 'Delete job', danger: true }, () => api.del(`/api/jobs/${job.id}`))}>Delete</${ActionButton}>` : null}
    </div>
    <${ErrorNote} error=${error} />
  </div>`;
}
