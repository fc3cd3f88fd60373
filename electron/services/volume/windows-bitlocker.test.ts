import { describe, expect, it } from 'vitest';
import { SeedshipError } from '../../../shared/api/errors';
import { encodePowerShell, parseWindowsTarget, powerShellInvocation, PREPARE_SCRIPT, prepareParams, VERIFY_SCRIPT, verifyParams } from './windows-bitlocker';

const base = { device: 'E:', source: 'C:\\Backups\\staging' };
const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(SeedshipError);
    return (error as SeedshipError).field;
  }
  return undefined;
};

describe('Windows BitLocker scripts', () => {
  it('accepts drive letters and disk numbers, and nothing else', () => {
    expect(parseWindowsTarget('e:')).toEqual({ driveLetter: 'E' });
    expect(parseWindowsTarget('F:\\')).toEqual({ driveLetter: 'F' });
    expect(parseWindowsTarget('\\\\.\\PhysicalDrive2')).toEqual({ diskNumber: 2 });
    expect(parseWindowsTarget('3')).toEqual({ diskNumber: 3 });
    for (const bad of ['/dev/sdb', 'E:; Format-Volume C', "E' -Force", 'EF:', '', '\\\\.\\PhysicalDrive2 ; rm']) {
      expect(fieldOf(() => parseWindowsTarget(bad))).toBe('device');
    }
  });

  it('validates every parameter and chooses the method from --xts-256', () => {
    expect(prepareParams(base)).toEqual({ target: { driveLetter: 'E' }, label: 'Seedship', method: 'XtsAes128', sectorSize: 0, source: 'C:\\Backups\\staging' });
    expect(prepareParams({ ...base, xts256: true, label: 'Drive 1', sectorSize: 4096 })).toMatchObject({ method: 'XtsAes256', label: 'Drive 1', sectorSize: 4096 });
    // robocopy reads a quoted trailing backslash as an escaped quote: it is dropped.
    expect(prepareParams({ ...base, source: 'C:\\data\\' }).source).toBe('C:\\data');
    for (const label of ["it's", 'a$(Format-Volume C)', 'x;y', 'back`tick', 'x'.repeat(33), '']) {
      expect(fieldOf(() => prepareParams({ ...base, label }))).toBe('label');
    }
    for (const source of ['relative\\folder', '/home/op/data', 'C:\\a"b', 'C:\\line\nbreak']) {
      expect(fieldOf(() => prepareParams({ ...base, source }))).toBe('source');
    }
  });

  it('passes values as JSON on stdin, never on the command line', () => {
    const { file, args } = powerShellInvocation(PREPARE_SCRIPT);
    expect(file).toBe('powershell.exe');
    expect(args).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encodePowerShell(PREPARE_SCRIPT)]);
    expect(Buffer.from(args.at(-1) as string, 'base64').toString('utf16le')).toBe(PREPARE_SCRIPT);
    // The scripts are constant text: nothing is spliced in, nothing is evaluated as code.
    for (const script of [PREPARE_SCRIPT, VERIFY_SCRIPT]) {
      expect(script).toContain('$p = [Console]::In.ReadToEnd() | ConvertFrom-Json');
      expect(script).not.toMatch(/Invoke-Expression|\biex\b|\[ScriptBlock\]::Create|-ArgumentList/i);
    }
  });

  it('formats NTFS and enables BitLocker with the chosen switches, reading the password back', () => {
    expect(PREPARE_SCRIPT).toContain('Format-Volume -DriveLetter $t.letter -FileSystem NTFS -NewFileSystemLabel ([string]$p.label)');
    expect(PREPARE_SCRIPT).toContain('Enable-BitLocker -MountPoint $mount -EncryptionMethod ([string]$p.method) -UsedSpaceOnly -RecoveryPasswordProtector');
    expect(PREPARE_SCRIPT).toContain("-cmatch '^XtsAes(128|256)$'");
    expect(PREPARE_SCRIPT).toMatch(/Get-BitLockerVolume -MountPoint \$mount[\s\S]*EncryptionPercentage[\s\S]*'FullyEncrypted'/);
    expect(PREPARE_SCRIPT).toContain("[string]$_.KeyProtectorType -eq 'RecoveryPassword'");
    expect(PREPARE_SCRIPT).toMatch(/robocopy\.exe \(\[string\]\$p\.source\) "\$mount\\" \/E/);
    // The system disk is refused inside the script as well.
    expect(PREPARE_SCRIPT).toContain('$disk.IsSystem -or $disk.IsBoot');
    expect(PREPARE_SCRIPT).toContain('$env:SystemDrive');
  });

  it('verifies with a well-formed recovery password and never repeats a malformed one', () => {
    const password = '111111-222222-333333-444444-555555-666666-777777-888888';
    expect(verifyParams({ device: '\\\\.\\PhysicalDrive1', recoveryPassword: ` ${password}\n` })).toEqual({ target: { diskNumber: 1 }, recoveryPassword: password });
    expect(VERIFY_SCRIPT).toContain('Unlock-BitLocker -MountPoint $mount -RecoveryPassword ([string]$p.recoveryPassword)');
    const bad = '111111-222222-333333';
    try {
      verifyParams({ device: 'E:', recoveryPassword: bad });
      expect.unreachable();
    } catch (error) {
      expect((error as SeedshipError).field).toBe('recoveryPassword');
      expect((error as Error).message).not.toContain(bad);
    }
  });
});
