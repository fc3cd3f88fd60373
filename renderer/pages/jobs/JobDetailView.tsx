import {
  Button,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  tokens,
} from '@fluentui/react-components';
import type { Allowance } from '../../../shared/jobs/job-model';
import type { JobDetail } from '../../../shared/jobs/jobs-api';
import { useJobsStore } from '../../stores/jobs-store';
import { DriveLogView } from './DriveLogView';
import { DeadlineText, StateBadge } from './job-badges';
import { NotificationEmailsForm } from './NotificationEmailsForm';
import { ReturnShippingForm } from './ReturnShippingForm';
import { TrackingForm } from './TrackingForm';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: '16px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px', margin: 0 },
  muted: { color: tokens.colorNeutralForeground2 },
  row: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
  timeline: { margin: 0, paddingLeft: '20px', display: 'flex', flexDirection: 'column', gap: '4px' },
  cards: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: '16px', alignItems: 'start' },
});

/** One job: what its state means, the deadline, each drive explained with its logs, the changes allowed, the timeline. */
export function JobDetailView() {
  const styles = useStyles();
  const { detail, busy, error, done, selected, close } = useJobsStore();
  if (!detail) {
    return (
      <Card>
        {error?.where === 'detail' ? (
          <MessageBar intent="error">
            <MessageBarBody>{error.message}</MessageBarBody>
          </MessageBar>
        ) : (
          <Spinner size="small" label={`Reading ${selected?.jobName ?? 'the job'}…`} />
        )}
      </Card>
    );
  }
  const explanation = detail.stateExplanation;
  return (
    <section className={styles.box} aria-label={`Job ${detail.name} details`}>
      <div className={styles.row}>
        <Title3 as="h2">{detail.name}</Title3>
        <StateBadge state={detail.state} />
        <Button onClick={close}>Close</Button>
      </div>
      <MessageBar intent={detail.deleted ? 'error' : detail.state === 'Closed' ? 'warning' : 'info'} aria-label="Job state">
        <MessageBarBody>
          <MessageBarTitle>{explanation.title}</MessageBarTitle>
          {detail.deleted ? detail.deleted.reason : explanation.meaning} {explanation.action}
        </MessageBarBody>
      </MessageBar>
      {detail.deadline && (detail.deadline.level === 'ok' || detail.deadline.level === 'warning' || detail.deadline.level === 'overdue') && (
        <MessageBar intent={detail.deadline.level === 'ok' ? 'info' : 'error'} aria-label="Tracking deadline">
          <MessageBarBody>
            <DeadlineText deadline={detail.deadline} />
          </MessageBarBody>
        </MessageBar>
      )}
      {done && (
        <MessageBar intent="success">
          <MessageBarBody>{done}</MessageBarBody>
        </MessageBar>
      )}
      {detail.notes.map((n) => (
        <MessageBar key={n} intent="warning">
          <MessageBarBody>{n}</MessageBarBody>
        </MessageBar>
      ))}
      <Facts detail={detail} />
      {detail.percentComplete !== null && detail.percentComplete > 0 && <ProgressBar value={detail.percentComplete / 100} aria-label={`${detail.percentComplete}% complete`} />}
      <Drives detail={detail} />
      <div className={styles.cards}>
        <Card>
          <CardHeader header={<Title3 as="h3">Tracking</Title3>} />
          <TrackingForm detail={detail} />
        </Card>
        <Card>
          <CardHeader header={<Title3 as="h3">Return shipping</Title3>} />
          <ReturnShippingForm detail={detail} />
        </Card>
        <Card>
          <CardHeader header={<Title3 as="h3">Notification emails</Title3>} />
          <NotificationEmailsForm detail={detail} />
        </Card>
        <Card>
          <CardHeader header={<Title3 as="h3">Cancel or delete</Title3>} />
          <Actions detail={detail} busy={busy} />
          {(error?.where === 'cancel' || error?.where === 'delete') && (
            <MessageBar intent="error">
              <MessageBarBody>{error.message}</MessageBarBody>
            </MessageBar>
          )}
        </Card>
      </div>
      <Title3 as="h3">Timeline</Title3>
      <ol className={styles.timeline} aria-label="Timeline">
        {detail.timeline.map((t, i) => (
          <li key={`${t.at}-${i}`}>
            <Text className={styles.muted}>{new Date(t.at).toLocaleString()}</Text> <Text>{t.text}</Text>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Facts({ detail }: { detail: JobDetail }) {
  const styles = useStyles();
  const to = detail.shippingAddress;
  const rows: [string, string][] = [
    ['Created', detail.createdAt ? new Date(detail.createdAt).toLocaleString() : '—'],
    ['Storage account', `${detail.storageAccount ?? '—'} (${detail.resourceGroup}, ${detail.location ?? '—'})`],
    ['Package', detail.trackingNumber ? `${detail.carrierName ?? ''} ${detail.trackingNumber}${detail.shipDate ? `, shipped ${detail.shipDate.slice(0, 10)}` : ''}` : 'No tracking number yet'],
    ['Ship to', to ? [to.recipientName, to.streetAddress1, to.city, to.stateOrProvince, to.postalCode, to.countryOrRegion].filter(Boolean).join(', ') : '—'],
    ['Carriers', detail.supportedCarriers.join(', ') || '—'],
    ['Return', detail.returnShipping ? `${detail.returnShipping.carrierName} account ${detail.returnShipping.carrierAccountNumber}${detail.returnTrackingNumber ? `, tracking ${detail.returnTrackingNumber}` : ''}` : '—'],
    ['Complete', detail.percentComplete === null ? '—' : `${detail.percentComplete}%`],
  ];
  return (
    <dl className={styles.facts} aria-label="Job facts">
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt>
            <Text weight="semibold">{term}</Text>
          </dt>
          <dd style={{ margin: 0 }}>
            <Text>{value}</Text>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Drives({ detail }: { detail: JobDetail }) {
  const styles = useStyles();
  const { logs, logsLoading, loadLogs } = useJobsStore();
  return (
    <>
      <Title3 as="h3">Drives</Title3>
      <Table aria-label="Drives" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Drive</TableHeaderCell>
            <TableHeaderCell>State</TableHeaderCell>
            <TableHeaderCell>Result</TableHeaderCell>
            <TableHeaderCell>Logs</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {detail.drives.map((d) => (
            <TableRow key={d.driveId} aria-label={`Drive ${d.driveId}`}>
              <TableCell>
                {d.driveId}
                {d.percentComplete !== null && <Text className={styles.muted}> · {d.percentComplete}%</Text>}
              </TableCell>
              <TableCell>
                <StateBadge state={d.state} />
                <Text block size={200}>
                  {d.stateExplanation.meaning} {d.stateExplanation.action}
                </Text>
              </TableCell>
              <TableCell>
                {d.result ? (
                  <>
                    <StateBadge state={d.result.code} />
                    <Text block size={200}>
                      {d.result.explanation.meaning} {d.result.explanation.action}
                    </Text>
                  </>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell>
                <Button size="small" disabled={logsLoading === d.driveId || !!detail.deleted} onClick={() => void loadLogs(d.driveId)}>
                  Show logs
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {Object.values(logs).map((l) => (
        <DriveLogView key={l.driveId} logs={l} />
      ))}
    </>
  );
}

function ActionButton({ label, allowance, busy, onClick }: { label: string; allowance: Allowance; busy: boolean; onClick: () => void }) {
  const styles = useStyles();
  return (
    <div className={styles.row}>
      <Button disabled={!allowance.allowed || busy} onClick={onClick} aria-describedby={allowance.reason ? `${label}-why` : undefined}>
        {label}
      </Button>
      {allowance.reason && (
        <Text id={`${label}-why`} size={200} className={styles.muted}>
          {allowance.reason}
        </Text>
      )}
    </div>
  );
}

function Actions({ detail, busy }: { detail: JobDetail; busy: string | null }) {
  const { cancel, remove } = useJobsStore();
  return (
    <>
      <ActionButton
        label="Cancel job"
        allowance={detail.actions.cancel}
        busy={busy !== null}
        onClick={() => {
          if (confirm(`Ask Azure to cancel ${detail.name}? Cancelling is best effort: drives already in the datacenter are shipped back without being copied.`)) void cancel();
        }}
      />
      <ActionButton
        label="Delete job"
        allowance={detail.actions.delete}
        busy={busy !== null}
        onClick={() => {
          if (confirm(`Delete ${detail.name} in Azure? This can't be undone.`)) void remove();
        }}
      />
    </>
  );
}
