import { useEffect, useId } from 'react';
import { Toast, ToastBody, Toaster, ToastTitle, useToastController } from '@fluentui/react-components';
import { api } from '../../api';

/**
 * Shows each import job state change as a toast on every page (the Electron shell also raises a
 * desktop notification). The changes come from the app's scheduled check or a refresh.
 */
export function JobNotifications() {
  const toasterId = useId();
  const { dispatchToast } = useToastController(toasterId);
  useEffect(
    () =>
      api.on('jobs.changed', ({ changes }) => {
        for (const change of changes.slice(0, 5)) {
          dispatchToast(
            <Toast>
              <ToastTitle>{change.jobName}</ToastTitle>
              <ToastBody>{change.message}</ToastBody>
            </Toast>,
            { intent: change.to === 'Deleted' || change.to === 'Closed' || change.to === 'CompletedMoreInfo' ? 'warning' : 'info', timeout: 8000 },
          );
        }
      }),
    [dispatchToast],
  );
  return <Toaster toasterId={toasterId} position="top-end" />;
}
