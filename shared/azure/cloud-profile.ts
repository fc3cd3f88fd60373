import { z } from 'zod';

export const CLOUD_PROFILE_NAMES = ['local', 'AzurePublic'] as const;
export const CloudProfileNameSchema = z.enum(CLOUD_PROFILE_NAMES);
export type CloudProfileName = z.infer<typeof CloudProfileNameSchema>;

/**
 * Where the app finds Azure: the identity authority, ARM and Graph endpoints, the storage endpoint
 * pattern, and (local cloud only) the CA to trust and the rehearsal admin endpoint. The app's code is
 * the same for every profile; only this differs.
 */
export const CloudProfileSchema = z.object({
  name: CloudProfileNameSchema,
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  authority: z.string().url(),
  armEndpoint: z.string().url(),
  armAudience: z.string().url(),
  graphEndpoint: z.string().url(),
  graphAudience: z.string().url(),
  /** `{account}` is replaced by the storage account name. */
  blobEndpointTemplate: z.string().includes('{account}'),
  caCertificatePath: z.string().nullable().default(null),
  adminEndpoint: z.string().url().nullable().default(null),
  adminKeyPath: z.string().nullable().default(null),
  /** The subscription a rehearsal world offers first; null on real Azure. */
  subscriptionId: z.string().nullable().default(null),
});
export type CloudProfile = z.infer<typeof CloudProfileSchema>;

/** Azure's public cloud ("AzureCloud"): the endpoints Azure CLI and the SDKs use. */
export function azurePublicProfile(clientId: string, tenantId = 'organizations'): CloudProfile {
  return {
    name: 'AzurePublic',
    tenantId,
    clientId,
    authority: `https://login.microsoftonline.com/${tenantId}`,
    armEndpoint: 'https://management.azure.com',
    armAudience: 'https://management.azure.com/',
    graphEndpoint: 'https://graph.microsoft.com',
    graphAudience: 'https://graph.microsoft.com/',
    blobEndpointTemplate: 'https://{account}.blob.core.windows.net',
    caCertificatePath: null,
    adminEndpoint: null,
    adminKeyPath: null,
    subscriptionId: null,
  };
}

/** The `.default` scope of a resource audience, as Entra expects it ("https://management.azure.com/.default"). */
export function defaultScope(audience: string): string {
  return `${audience.endsWith('/') ? audience : `${audience}/`}.default`;
}
