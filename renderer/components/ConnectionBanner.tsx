import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useConnectionStore } from '../stores/connection-store';

/** Tells the operator when the headless host can't be reached, instead of silently showing stale data. */
export function ConnectionBanner() {
  const state = useConnectionStore((s) => s.state);
  if (state !== 'closed') return null;
  return (
    <MessageBar intent="warning">
      <MessageBarBody>
        <MessageBarTitle>Not connected to Seedship</MessageBarTitle>
        The Seedship host isn’t answering. If you stopped it, start it again and open the address it prints.
      </MessageBarBody>
    </MessageBar>
  );
}
