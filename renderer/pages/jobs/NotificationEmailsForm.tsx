import { useState } from 'react';
import { Button, Field, makeStyles, Text, Textarea, tokens } from '@fluentui/react-components';
import { emailProblem } from '../../../shared/diskprep/shipping-details';
import { MAX_NOTIFICATION_EMAILS, type JobDetail } from '../../../shared/jobs/jobs-api';
import { useJobsStore } from '../../stores/jobs-store';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
  muted: { color: tokens.colorNeutralForeground2 },
});

const split = (text: string) => text.split(/[\s,;]+/).map((e) => e.trim()).filter((e) => e !== '');

/**
 * Who Seedship tells when the job changes state. The Import/Export API (2021-01-01) has no notification
 * email field (Azure writes only to the return address's email), so the app keeps this list.
 */
export function NotificationEmailsForm({ detail }: { detail: JobDetail }) {
  const styles = useStyles();
  const { setEmails, busy, error } = useJobsStore();
  const [text, setText] = useState(detail.notificationEmails.join('\n'));
  const [submitted, setSubmitted] = useState(false);
  const emails = split(text);
  const local = emails.length > MAX_NOTIFICATION_EMAILS ? `At most ${MAX_NOTIFICATION_EMAILS} addresses.` : (emails.map(emailProblem).find((p) => p) ?? null);
  const message = (submitted ? local : null) ?? (error?.where === 'emails' ? error.message : null);
  return (
    <form
      className={styles.form}
      aria-label="Notification emails"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (!local) void setEmails(emails);
      }}
    >
      <Text className={styles.muted}>Kept by Seedship (Azure’s job has no such field); Azure itself writes to the return address’s email.</Text>
      <Field label="Emails (one per line)" validationMessage={message ?? undefined} validationState={message ? 'error' : 'none'}>
        <Textarea value={text} disabled={!!detail.deleted} onChange={(_e, d) => setText(d.value)} />
      </Field>
      <div>
        <Button type="submit" disabled={!!detail.deleted || busy !== null}>
          Save emails
        </Button>
      </div>
    </form>
  );
}
