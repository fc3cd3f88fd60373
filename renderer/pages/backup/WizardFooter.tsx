import type { ReactNode } from 'react';
import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';
import { usePlanStore } from '../../stores/plan-store';

const useStyles = makeStyles({
  footer: {
    display: 'flex',
    gap: '8px',
    alignItems: 'center',
    paddingTop: '12px',
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  box: { display: 'flex', flexDirection: 'column', gap: '8px' },
});

export interface WizardFooterProps {
  onBack?: () => void;
  onNext?: () => void;
  nextText?: string;
  nextDisabled?: boolean;
  /** Extra buttons between Back and Next. */
  children?: ReactNode;
}

/** Back / Next for a step, and why the last save failed (the service's message names the field). */
export function WizardFooter({ onBack, onNext, nextText = 'Next', nextDisabled, children }: WizardFooterProps) {
  const styles = useStyles();
  const saving = usePlanStore((s) => s.saving);
  const error = usePlanStore((s) => s.error);
  return (
    <div className={styles.box}>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Couldn’t save the plan</MessageBarTitle>
            {error.message}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.footer}>
        {onBack && (
          <Button disabled={saving} onClick={onBack}>
            Back
          </Button>
        )}
        {children}
        {onNext && (
          <Button appearance="primary" disabled={saving || nextDisabled} onClick={onNext}>
            {nextText}
          </Button>
        )}
        {saving && <Spinner size="tiny" label="Saving…" />}
      </div>
    </div>
  );
}
