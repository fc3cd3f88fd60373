import { useState } from 'react';
import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { Checkmark20Regular, Copy20Regular } from '@fluentui/react-icons';

const useStyles = makeStyles({
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  value: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

/** A value the operator needs elsewhere (disk prep, a password manager), with a copy button named after it. */
export function CopyValue({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const styles = useStyles();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // The clipboard can be refused (no focus, no permission); the value stays on screen to copy by hand.
      setCopied(false);
    }
  };
  return (
    <div className={styles.row}>
      <Text className={styles.value} data-testid={testId}>
        {value}
      </Text>
      <Button size="small" icon={copied ? <Checkmark20Regular /> : <Copy20Regular />} aria-label={`Copy ${label}`} onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}
