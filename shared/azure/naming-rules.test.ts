import { describe, expect, it } from 'vitest';
import {
  containerNameProblem,
  importJobNameProblem,
  resourceGroupNameProblem,
  stagingLocationProblem,
  storageAccountNameProblem,
  subscriptionIdProblem,
} from './naming-rules';

describe('Azure naming rules', () => {
  it.each([
    ['contosobackup', null],
    ['abc', null],
    ['ab', /3 to 24/],
    ['a'.repeat(25), /3 to 24/],
    ['Contoso', /lowercase/],
    ['contoso-backup', /lowercase letters and digits/],
  ])('storage account %s', (name, expected) => {
    const problem = storageAccountNameProblem(name);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ['seedship-seed', null],
    ['9lives', null],
    ['ab', /3 to 63/],
    ['-abc', /starts with/],
    ['a--b', /two hyphens/],
    ['abc-', /end with a hyphen/],
    ['Abc', /lowercase/],
    ['$root', /\$root/],
    ['a'.repeat(64), /3 to 63/],
  ])('container %s', (name, expected) => {
    const problem = containerNameProblem(name);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('subscription ids are GUIDs', () => {
    expect(subscriptionIdProblem('8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001')).toBeNull();
    expect(subscriptionIdProblem('8A6D5B2E-3C1F-4E7A-9B0D-5E5D5EED0001')).toBeNull();
    expect(subscriptionIdProblem('8a6d5b2e3c1f4e7a9b0d5e5d5eed0001')).toMatch(/GUID/);
    expect(subscriptionIdProblem('')).toMatch(/GUID/);
  });

  it.each([
    ['seed-2026', null],
    ['ab', /3 to 24/],
    ['1job', /starts with a lowercase letter/],
    ['job_1', /hyphens/],
    ['Job', /starts with a lowercase/],
    ['j'.repeat(25), /3 to 24/],
  ])('import job %s', (name, expected) => {
    const problem = importJobNameProblem(name);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('resource groups', () => {
    expect(resourceGroupNameProblem('seedship-rg')).toBeNull();
    expect(resourceGroupNameProblem('rg.')).toMatch(/period/);
    expect(resourceGroupNameProblem('rg/1')).toMatch(/letters/);
  });

  it.each([
    ['/srv/staging', null],
    ['D:\\Staging', null],
    ['\\\\filer\\backups\\staging', null],
    ['staging', /full path/],
    ['', /Enter/],
    ['\\\\filer', /full path/],
  ])('staging location %s', (path, expected) => {
    const problem = stagingLocationProblem(path);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
