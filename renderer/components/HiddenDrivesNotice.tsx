import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { DriveList } from '../../shared/drives/drive';

/** The drives the safety rules keep off the list (system disk, staging disk…), each with why. */
export function HiddenDrivesNotice({ hidden }: { hidden: DriveList['hidden'] }) {
  if (hidden.length === 0) return null;
  return (
    <MessageBar intent="info">
      <MessageBarBody>
        <MessageBarTitle>Not offered</MessageBarTitle>
        {hidden.map((h) => (
          <div key={h.device}>
            {h.device}: {h.issues.map((i) => i.message).join(' ')}
          </div>
        ))}
      </MessageBarBody>
    </MessageBar>
  );
}
