/** The operations Microsoft.ImportExport publishes (the list `GET /providers/Microsoft.ImportExport/operations` answers). */
export const OPERATIONS = [
  { name: "Microsoft.ImportExport/locations/read", display: { provider: "Microsoft Import/Export", resource: "Locations", operation: "Get or List Locations", description: "Gets the properties for the specified location or returns the list of locations." } },
  { name: "Microsoft.ImportExport/jobs/write", display: { provider: "Microsoft Import/Export", resource: "Jobs", operation: "Create or Update Job", description: "Creates a job with the specified parameters or update the properties or tags for the specified job." } },
  { name: "Microsoft.ImportExport/jobs/read", display: { provider: "Microsoft Import/Export", resource: "Jobs", operation: "Get or List Jobs", description: "Gets the properties for the specified job or returns the list of jobs." } },
  { name: "Microsoft.ImportExport/jobs/listBitLockerKeys/action", display: { provider: "Microsoft Import/Export", resource: "Jobs", operation: "List BitLocker Keys", description: "Gets the BitLocker keys for the specified job." } },
  { name: "Microsoft.ImportExport/jobs/delete", display: { provider: "Microsoft Import/Export", resource: "Jobs", operation: "Delete Job", description: "Deletes an existing job." } },
  { name: "Microsoft.ImportExport/register/action", display: { provider: "Microsoft Import/Export", resource: "Import/Export Resource Provider", operation: "Registers the Import/Export Resource Provider", description: "Registers the subscription for the import/export resource provider and enables the creation of import/export jobs." } },
];
