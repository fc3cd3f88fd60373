import { useState } from 'react';
import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { Key20Regular } from '@fluentui/react-icons';
import { passphraseProblem } from '../../../shared/backup/passphrase-policy';
import type { Plan } from '../../../shared/backup/plan';
import { api } from '../../api';
import { CopyValue } from '../../components/CopyValue';
import { errorField, errorText } from '../../stores/error-text';
import { usePlanStore } from '../../stores/plan-store';
import { fullPathProblem } from './field-rules';
import { WizardFooter } from './WizardFooter';
import { nextStep, previousStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '640px' },
  row: { display: 'flex', gap: '8px', alignItems: 'center' },
});

type FieldName = 'passphrase' | 'confirmation' | 'saveTo';

export function saveToProblem(path: string): string | null {
  return fullPathProblem(path, 'file to save the passphrase to', '/root/seedship-passphrase.txt or E:\\passphrase.txt');
}

/** Step 3: the encryption passphrase (MARS: at least 16 characters), typed or generated, and where a copy goes. */
export function EncryptionStep({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const { goTo, accept } = usePlanStore();
  const [changing, setChanging] = useState(!plan.passphraseSet);
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [saveTo, setSaveTo] = useState(plan.passphraseSavedTo ?? '');
  const [generated, setGenerated] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<Partial<Record<FieldName | 'form', string>>>({});
  const [busy, setBusy] = useState(false);

  const problems: Record<FieldName, string | null> = {
    passphrase: passphrase === '' ? null : passphraseProblem(passphrase),
    confirmation: confirmation !== '' && confirmation !== passphrase ? 'The confirmation doesn’t match the passphrase: type the same passphrase twice.' : null,
    saveTo: saveTo === '' ? null : saveToProblem(saveTo),
  };
  const message = (field: FieldName) => problems[field] ?? serverErrors[field] ?? null;
  const complete = passphrase !== '' && confirmation !== '' && saveTo !== '' && Object.values(problems).every((p) => p === null);
  // Nothing here is autosaved: `passphraseSavedTo` changes only when setPassphrase has written the file.

  const generate = async () => {
    try {
      const { passphrase: fresh } = await api.plan.generatePassphrase({});
      setPassphrase(fresh);
      setConfirmation(fresh);
      setGenerated(fresh);
      setServerErrors({});
    } catch (error) {
      setServerErrors({ form: errorText(error) });
    }
  };

  const next = async () => {
    if (!changing) {
      await goTo(nextStep(3, plan));
      return;
    }
    setBusy(true);
    setServerErrors({});
    try {
      accept(await api.plan.setPassphrase({ passphrase, confirmation, saveTo }));
      await goTo(nextStep(3, plan));
    } catch (error) {
      const field = errorField(error);
      setServerErrors({ [field === 'passphrase' || field === 'confirmation' || field === 'saveTo' ? field : 'form']: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={styles.step}>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Keep this passphrase safe</MessageBarTitle>
          Your backup is encrypted with this passphrase before it leaves this computer. Azure never sees it, and without it nobody
          can restore the backup: not you, not Microsoft, not Seedship. Keep a copy away from this computer.
        </MessageBarBody>
      </MessageBar>
      {!changing ? (
        <>
          <MessageBar intent="success">
            <MessageBarBody>
              A passphrase is set{plan.passphraseSavedTo ? `; a copy was saved to ${plan.passphraseSavedTo}` : ''}.
            </MessageBarBody>
          </MessageBar>
          <div>
            <Button icon={<Key20Regular />} onClick={() => setChanging(true)}>
              Set a new passphrase
            </Button>
          </div>
        </>
      ) : (
        <>
          <Field
            label="Passphrase"
            hint="At least 16 characters."
            validationMessage={message('passphrase') ?? undefined}
            validationState={message('passphrase') ? 'error' : 'none'}
          >
            <Input type="password" autoComplete="new-password" value={passphrase} onChange={(_e, d) => { setPassphrase(d.value); setGenerated(null); }} />
          </Field>
          <Field
            label="Confirm passphrase"
            validationMessage={message('confirmation') ?? undefined}
            validationState={message('confirmation') ? 'error' : 'none'}
          >
            <Input type="password" autoComplete="new-password" value={confirmation} onChange={(_e, d) => { setConfirmation(d.value); setGenerated(null); }} />
          </Field>
          <div className={styles.row}>
            <Button icon={<Key20Regular />} onClick={() => void generate()}>
              Generate
            </Button>
            <Text>a strong passphrase for you.</Text>
            {plan.passphraseSet && (
              <Button appearance="subtle" onClick={() => { setChanging(false); setPassphrase(''); setConfirmation(''); setGenerated(null); }}>
                Keep the current passphrase
              </Button>
            )}
          </div>
          {generated && (
            <MessageBar intent="info" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Your new passphrase, shown once</MessageBarTitle>
                <CopyValue label="passphrase" value={generated} testId="generated-passphrase" />
                Copy it into your password manager now; Seedship also writes it to the file below.
              </MessageBarBody>
            </MessageBar>
          )}
          <Field
            label="Save passphrase to"
            hint="A file only you can read, ideally on removable media you keep apart from the backup."
            validationMessage={message('saveTo') ?? undefined}
            validationState={message('saveTo') ? 'error' : 'none'}
          >
            <Input value={saveTo} placeholder="/root/seedship-passphrase.txt" onChange={(_e, d) => setSaveTo(d.value)} />
          </Field>
        </>
      )}
      {serverErrors.form && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Couldn’t set the passphrase</MessageBarTitle>
            {serverErrors.form}
          </MessageBarBody>
        </MessageBar>
      )}
      <WizardFooter
        onBack={() => void goTo(previousStep(3, plan))}
        nextDisabled={busy || (changing && !complete)}
        onNext={() => void next()}
      />
    </div>
  );
}
