/**
 * Import/Export datacenter shipping addresses by region. The addresses follow the published format
 * (recipient "Microsoft Azure Import/Export Service", a street, city, postal code, phone); they are
 * illustrative for rehearsal, not a place to ship real drives.
 */
export interface ImportExportLocation {
  name: string;
  displayName: string;
  recipientName: string;
  streetAddress1: string;
  streetAddress2: string;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  countryOrRegion: string;
  phone: string;
  additionalShippingInformation: string;
  supportedCarriers: string[];
  alternateLocations: string[];
}

const RECIPIENT = 'Microsoft Azure Import/Export Service';

function location(name: string, displayName: string, address: Omit<ImportExportLocation, 'name' | 'displayName' | 'recipientName' | 'streetAddress2' | 'additionalShippingInformation' | 'alternateLocations'> & { alternateLocations?: string[] }): ImportExportLocation {
  return { name, displayName, recipientName: RECIPIENT, streetAddress2: '', additionalShippingInformation: 'Write the import job name on the package.', alternateLocations: [], ...address };
}

export const LOCATIONS: ImportExportLocation[] = [
  location('westus', 'West US', { streetAddress1: '2045 Lafayette Street', city: 'Santa Clara', stateOrProvince: 'CA', postalCode: '95050', countryOrRegion: 'USA', phone: '408 352 7600', supportedCarriers: ['FedEx', 'UPS', 'DHL'] }),
  location('westus2', 'West US 2', { streetAddress1: '1515 Port Industrial Road', city: 'Quincy', stateOrProvince: 'WA', postalCode: '98848', countryOrRegion: 'USA', phone: '509 787 1200', supportedCarriers: ['FedEx', 'UPS', 'DHL'], alternateLocations: ['westus'] }),
  location('eastus', 'East US', { streetAddress1: '21625 Gresham Drive', city: 'Ashburn', stateOrProvince: 'VA', postalCode: '20147', countryOrRegion: 'USA', phone: '703 724 1200', supportedCarriers: ['FedEx', 'UPS', 'DHL'], alternateLocations: ['eastus2'] }),
  location('eastus2', 'East US 2', { streetAddress1: '101 Herbert Drive', city: 'Boydton', stateOrProvince: 'VA', postalCode: '23917', countryOrRegion: 'USA', phone: '434 738 2100', supportedCarriers: ['FedEx', 'UPS', 'DHL'] }),
  location('centralus', 'Central US', { streetAddress1: '5150 Wellness Way', city: 'Des Moines', stateOrProvince: 'IA', postalCode: '50266', countryOrRegion: 'USA', phone: '515 223 1900', supportedCarriers: ['FedEx', 'UPS', 'DHL'] }),
  location('westeurope', 'West Europe', { streetAddress1: 'Boekweitstraat 21', city: 'Middenmeer', stateOrProvince: 'Noord-Holland', postalCode: '1775 PA', countryOrRegion: 'Netherlands', phone: '+31 227 200 100', supportedCarriers: ['DHL', 'TNT', 'UPS'], alternateLocations: ['northeurope'] }),
  location('northeurope', 'North Europe', { streetAddress1: 'Grange Castle Business Park', city: 'Clondalkin, Dublin', stateOrProvince: 'Dublin', postalCode: 'D22 X7K9', countryOrRegion: 'Ireland', phone: '+353 1 706 1000', supportedCarriers: ['DHL', 'TNT', 'UPS'] }),
  location('uksouth', 'UK South', { streetAddress1: '365 Thames Valley Park Drive', city: 'Reading', stateOrProvince: 'Berkshire', postalCode: 'RG6 1RW', countryOrRegion: 'United Kingdom', phone: '+44 118 909 6000', supportedCarriers: ['Royal Mail', 'DHL', 'UPS'] }),
  location('southeastasia', 'Southeast Asia', { streetAddress1: '1 Serangoon North Avenue 5', city: 'Singapore', stateOrProvince: 'Singapore', postalCode: '554914', countryOrRegion: 'Singapore', phone: '+65 6555 8000', supportedCarriers: ['DHL', 'FedEx'] }),
  location('centralindia', 'Central India', { streetAddress1: 'Plot No. 12, Rajiv Gandhi Infotech Park', city: 'Pune', stateOrProvince: 'Maharashtra', postalCode: '411057', countryOrRegion: 'India', phone: '+91 20 6600 1000', supportedCarriers: ['Blue Dart'] }),
  location('australiaeast', 'Australia East', { streetAddress1: '4 Eden Park Drive', city: 'Macquarie Park', stateOrProvince: 'NSW', postalCode: '2113', countryOrRegion: 'Australia', phone: '+61 2 9870 2000', supportedCarriers: ['DHL', 'FedEx', 'StarTrack'] }),
];

/** "West US", "westus" and "WestUS" all name the same region (ARM normalises location names). */
export function findLocation(name: string): ImportExportLocation | undefined {
  const key = name.replace(/\s+/g, '').toLowerCase();
  return LOCATIONS.find((l) => l.name === key);
}

export function locationResource(l: ImportExportLocation) {
  const { name, displayName, alternateLocations, ...address } = l;
  return {
    id: `/providers/Microsoft.ImportExport/locations/${name}`,
    name: displayName,
    type: 'Microsoft.ImportExport/locations',
    properties: { ...address, alternateLocations: alternateLocations.map((a) => `/providers/Microsoft.ImportExport/locations/${a}`) },
  };
}
