import { z } from 'zod';
import { CloudProfileNameSchema } from '../azure/cloud-profile';
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
  /** Which Azure the app talks to: the embedded local cloud (rehearsal) or real Azure. */
  cloudProfile: CloudProfileNameSchema,
  /** Real Azure only: the client id of Seedship's app registration in the operator's tenant. */
  azureClientId: z.string().nullable(),
  /** Real Azure only: the tenant to sign in to ('organizations' when unset). */
  azureTenantId: z.string().nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z.strictObject({
  rehearsalDrives: z.boolean().optional(),
  stagingPath: PathSchema.nullable().optional(),
  cloudProfile: CloudProfileNameSchema.optional(),
  azureClientId: z.guid().nullable().optional(),
  azureTenantId: z.union([z.guid(), z.enum(['organizations', 'common'])]).nullable().optional(),
});

export const AccountSchema = z.object({
  username: z.string(),
  name: z.string().nullable(),
  tenantId: z.string(),
});
export type Account = z.infer<typeof AccountSchema>;

export const SignInMethodSchema = z.enum(['interactive', 'device-code']);
export type SignInMethod = z.infer<typeof SignInMethodSchema>;

export const CloudStatusSchema = z.object({
  profile: CloudProfileNameSchema,
  /** The embedded local cloud's state; 'not-used' for real Azure. */
  localCloud: z.enum(['stopped', 'starting', 'running', 'failed', 'not-used']),
  authority: z.string().nullable(),
  armEndpoint: z.string().nullable(),
  account: AccountSchema.nullable(),
  signInMethods: z.array(SignInMethodSchema),
  /** What stops the app from reaching this cloud, in plain words; null when nothing does. */
  problem: z.string().nullable(),
});
export type CloudStatus = z.infer<typeof CloudStatusSchema>;

export const DeviceCodePromptSchema = z.object({
  userCode: z.string(),
  verificationUri: z.string(),
  message: z.string(),
  expiresAt: z.string(),
});
export type DeviceCodePrompt = z.infer<typeof DeviceCodePromptSchema>;

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
  cloud: {
    status: method(NoInput, CloudStatusSchema),
  },
  auth: {
    /** Resolves once the operator has signed in; device code prompts arrive as `auth.deviceCode` events. */
    signIn: method(z.strictObject({ method: SignInMethodSchema.optional() }), AccountSchema),
    cancelSignIn: method(NoInput, z.object({ cancelled: z.boolean() })),
    signOut: method(NoInput, CloudStatusSchema),
  },
};
export type Contract = typeof contract;

/** Events pushed to every client; the drive list is re-sent whenever a drive comes or goes. */
export const eventContract = {
  'drives.changed': DriveListSchema,
  'settings.changed': SettingsSchema,
  'auth.deviceCode': DeviceCodePromptSchema,
  'cloud.changed': CloudStatusSchema,
};
export type EventContract = typeof eventContract;
export type EventName = keyof EventContract;
export type EventOf<K extends EventName> = EventPayload<EventContract, K>;

export type Services = ServiceImpl<Contract>;
export type SeedshipClient = ServiceClient<Contract>;

export const CHANNELS: readonly string[] = channelsOf(contract);
export const EVENT_NAMES = Object.keys(eventContract) as EventName[];
