import { z } from 'zod';
import { DriveListSchema } from '../drives/drive';
import { method, channelsOf, type ServiceClient, type ServiceImpl, type EventPayload } from './define';

const NoInput = z.strictObject({});
/** Every path the API accepts; long enough for Windows' extended paths, short enough to refuse junk. */
export const PathSchema = z.string().min(1).max(4096);

export const SettingsSchema = z.object({
  /** Show loop devices (file-backed drives) so operators can rehearse disk prep safely. */
  rehearsalDrives: z.boolean(),
  /** The staging location of the backup; its drive is never offered for disk prep. */
  stagingPath: z.string().nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z.strictObject({
  rehearsalDrives: z.boolean().optional(),
  stagingPath: PathSchema.nullable().optional(),
});

export const AppInfoSchema = z.object({
  version: z.string(),
  transport: z.enum(['electron', 'headless', 'cli']),
  platform: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** The whole API: each service, each method's input and output schema. */
export const contract = {
  app: {
    info: method(NoInput, AppInfoSchema),
  },
  drives: {
    list: method(z.strictObject({ includeLoop: z.boolean().optional(), stagingPath: PathSchema.optional() }), DriveListSchema),
  },
  settings: {
    get: method(NoInput, SettingsSchema),
    update: method(SettingsPatchSchema, SettingsSchema),
  },
};
export type Contract = typeof contract;

/** Events pushed to every client; the drive list is re-sent whenever a drive comes or goes. */
export const eventContract = {
  'drives.changed': DriveListSchema,
  'settings.changed': SettingsSchema,
};
export type EventContract = typeof eventContract;
export type EventName = keyof EventContract;
export type EventOf<K extends EventName> = EventPayload<EventContract, K>;

export type Services = ServiceImpl<Contract>;
export type SeedshipClient = ServiceClient<Contract>;

export const CHANNELS: readonly string[] = channelsOf(contract);
export const EVENT_NAMES = Object.keys(eventContract) as EventName[];
