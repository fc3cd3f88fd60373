import { useId, useState } from 'react';
import { Button, Checkbox, Field, Input, Label, makeStyles, Text, Title3, tokens } from '@fluentui/react-components';
import { Add20Regular, Delete20Regular } from '@fluentui/react-icons';
import { DEFAULT_RETENTION, DEFAULT_SCHEDULE, WEEKDAYS, type Plan, type Retention } from '../../../shared/backup/plan';
import { usePlanStore } from '../../stores/plan-store';
import { RETENTION_WORDS, retentionProblem, timeProblem } from './field-rules';
import { useAutosave } from './use-autosave';
import { WizardFooter } from './WizardFooter';
import { nextStep, previousStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '640px' },
  days: { display: 'flex', flexWrap: 'wrap', gap: '4px 12px' },
  error: { color: tokens.colorPaletteRedForeground1 },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-start' },
  remove: { marginTop: '26px' },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: '12px' },
  section: { margin: 0 },
});

const DAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
const RETENTION_KINDS = ['daily', 'weekly', 'monthly'] as const;

/** Step 2: when backups run (days, up to three times a day) and how many of each age are kept. */
export function ScheduleStep({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const goTo = usePlanStore((s) => s.goTo);
  const daysLabel = useId();
  const daysError = useId();
  const schedule = plan.schedule ?? DEFAULT_SCHEDULE;
  const retention = plan.retention ?? DEFAULT_RETENTION;
  const [days, setDays] = useState<string[]>(schedule.days);
  const [times, setTimes] = useState<string[]>(schedule.times);
  const [counts, setCounts] = useState<Record<keyof Retention, string>>({
    daily: String(retention.daily),
    weekly: String(retention.weekly),
    monthly: String(retention.monthly),
  });

  const dayProblem = days.length === 0 ? 'Pick at least one backup day.' : null;
  const timeProblems = times.map((t, i) => timeProblem(t, i));
  const duplicate = new Set(times).size !== times.length ? 'Each backup time appears once: remove the repeated time.' : null;
  const countProblems = Object.fromEntries(RETENTION_KINDS.map((k) => [k, retentionProblem(k, counts[k])])) as Record<keyof Retention, string | null>;
  const valid = !dayProblem && !duplicate && timeProblems.every((p) => p === null) && RETENTION_KINDS.every((k) => countProblems[k] === null);
  const patch = valid
    ? {
        schedule: { days: WEEKDAYS.filter((d) => days.includes(d)), times: [...times].sort() },
        retention: { daily: Number(counts.daily), weekly: Number(counts.weekly), monthly: Number(counts.monthly) },
      }
    : null;
  useAutosave(patch);

  return (
    <div className={styles.step}>
      <Title3 as="h3" className={styles.section}>
        Schedule
      </Title3>
      <div role="group" aria-labelledby={daysLabel} aria-describedby={dayProblem ? daysError : undefined}>
        <Label id={daysLabel} weight="semibold">
          Backup days
        </Label>
        <div className={styles.days}>
          {WEEKDAYS.map((day) => (
            <Checkbox
              key={day}
              label={DAY_NAMES[day]}
              checked={days.includes(day)}
              onChange={(_e, d) => setDays(d.checked ? [...days, day] : days.filter((x) => x !== day))}
            />
          ))}
        </div>
        {dayProblem && (
          <Text id={daysError} role="alert" className={styles.error}>
            {dayProblem}
          </Text>
        )}
      </div>
      {times.map((time, i) => (
        <div key={i} className={styles.row}>
          <Field
            label={`Backup time ${i + 1}`}
            validationMessage={timeProblems[i] ?? undefined}
            validationState={timeProblems[i] ? 'error' : 'none'}
          >
            <Input value={time} placeholder="21:00" onChange={(_e, d) => setTimes(times.map((t, j) => (j === i ? d.value : t)))} />
          </Field>
          {times.length > 1 && (
            <Button className={styles.remove} appearance="subtle" icon={<Delete20Regular />} aria-label={`Remove time ${i + 1}`} onClick={() => setTimes(times.filter((_t, j) => j !== i))} />
          )}
        </div>
      ))}
      {duplicate && (
        <Text role="alert" className={styles.error}>
          {duplicate}
        </Text>
      )}
      <div>
        <Button icon={<Add20Regular />} disabled={times.length >= 3} onClick={() => setTimes([...times, ''])}>
          Add a backup time
        </Button>
        {times.length >= 3 && <Text> At most three backups a day.</Text>}
      </div>
      <Title3 as="h3" className={styles.section}>
        Retention
      </Title3>
      <div className={styles.grid}>
        {RETENTION_KINDS.map((kind) => (
          <Field
            key={kind}
            label={RETENTION_WORDS[kind].label}
            validationMessage={countProblems[kind] ?? undefined}
            validationState={countProblems[kind] ? 'error' : 'none'}
          >
            <Input inputMode="numeric" value={counts[kind]} onChange={(_e, d) => setCounts({ ...counts, [kind]: d.value })} />
          </Field>
        ))}
      </div>
      <WizardFooter
        onBack={() => void goTo(previousStep(2, plan), patch ?? {})}
        nextDisabled={!valid}
        onNext={() => patch && void goTo(nextStep(2, plan), patch)}
      />
    </div>
  );
}
