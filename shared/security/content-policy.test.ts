import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isAppUrl } from './content-policy';

describe('isAllowedExternalUrl', () => {
  it.each([
    ['https://learn.microsoft.com/azure/backup/backup-azure-backup-import-export', true],
    ['https://portal.azure.com/#blade', true],
    ['https://aka.ms/x', true],
    ['http://learn.microsoft.com/', false],
    ['https://learn.microsoft.com.evil.example/', false],
    ['https://evilmicrosoft.com/', false],
    ['https://user:pw@portal.azure.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed);
  });
});

describe('isAppUrl', () => {
  it.each([
    ['app://seedship/index.html', true],
    ['app://seedship/#drives', true],
    ['app://other/index.html', false],
    ['https://seedship/', false],
    ['file:///index.html', false],
  ])('%s → %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('never allows inline or remote scripts', () => {
    const script = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});
