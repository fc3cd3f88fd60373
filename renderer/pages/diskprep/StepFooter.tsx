import type { ReactNode } from 'react';
import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';
import { useDiskPrepStore } from '../../stores/diskprep-store';

const useStyles = makeStyles({
  footer: { display: 'flex', gap: '8px', alignItems: 'center', paddingTop: '12px', borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  box: { display: 'flex', flexDirection: 'column', gap: '8px' },
});

export interface StepFooterProps {
  onBack?: () => void;
  onNext?: () => void;
  nextText?: string;
  nextDisabled?: boolean;
  /** What failed, when it isn't the store's last error (that one always shows). */
  errorTitle?: string;
  /** False when the step shows the error under the field it names. */
  showError?: boolean;
  children?: ReactNode;
}

/** Back / Next of a disk prep step, and the service's last refusal (its message names the field). */
export function StepFooter({ onBack, onNext, nextText = 'Next', nextDisabled, errorTitle = 'Disk prep can’t go on', showError = true, children }: StepFooterProps) {
  const styles = useStyles();
  const busy = useDiskPrepStore((s) => s.busy);
  const error = useDiskPrepStore((s) => s.error);
  return (
    <div className={styles.box}>
      {error && showError && (
        <MessageBar intent="error" data-testid="diskprep-error">
          <MessageBarBody>
            <MessageBarTitle>{errorTitle}</MessageBarTitle>
            {error.message}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.footer}>
        {onBack && (
          <Button disabled={busy} onClick={onBack}>
            Back
          </Button>
        )}
        {children}
        {onNext && (
          <Button appearance="primary" disabled={busy || nextDisabled} onClick={onNext}>
            {nextText}
          </Button>
        )}
        {busy && <Spinner size="tiny" label="Working…" />}
      </div>
    </div>
  );
}
