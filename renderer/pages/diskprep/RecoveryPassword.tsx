import { useState } from 'react';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Text,
} from '@fluentui/react-components';
import { Eye20Regular, EyeOff20Regular } from '@fluentui/react-icons';
import { CopyValue } from '../../components/CopyValue';
import { useDiskPrepStore } from '../../stores/diskprep-store';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: '8px' },
});

/**
 * A drive's BitLocker recovery password, shown only after the operator confirms in a dialog; the
 * service audits every reveal. Hidden again with one click and never kept beyond this page.
 */
export function RecoveryPassword({ serial }: { serial: string }) {
  const styles = useStyles();
  const revealed = useDiskPrepStore((s) => s.revealed[serial]);
  const { revealKey, hideKey } = useDiskPrepStore();
  const [open, setOpen] = useState(false);
  const [understood, setUnderstood] = useState(false);

  if (revealed) {
    return (
      <div className={styles.box}>
        <CopyValue label={`recovery password of ${serial}`} value={revealed} testId={`recovery-password-${serial}`} />
        <div>
          <Button icon={<EyeOff20Regular />} onClick={() => hideKey(serial)}>
            Hide recovery password
          </Button>
        </div>
      </div>
    );
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(_e, d) => {
        setOpen(d.open);
        setUnderstood(false);
      }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button icon={<Eye20Regular />} aria-label={`Show the recovery password of ${serial}`}>
          Show recovery password
        </Button>
      </DialogTrigger>
      <DialogSurface aria-label={`Recovery password of ${serial}`}>
        <DialogBody>
          <DialogTitle>Show the recovery password of {serial}?</DialogTitle>
          <DialogContent className={styles.box}>
            <Text>
              Anyone with this password and the drive can read its data. The import job already carries it to Azure; you need it only to unlock the drive
              yourself. Seedship records that it was shown.
            </Text>
            <Checkbox checked={understood} onChange={(_e, d) => setUnderstood(d.checked === true)} label="I understand: show it on this screen" />
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button>Cancel</Button>
            </DialogTrigger>
            <Button
              appearance="primary"
              disabled={!understood}
              onClick={() => {
                setOpen(false);
                void revealKey(serial);
              }}
            >
              Show password
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
