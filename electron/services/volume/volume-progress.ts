/** Progress of preparing or verifying a volume (its own module so readers and writers share it without a cycle). */
export interface VolumeProgress {
  phase: 'format' | 'copy' | 'encrypt' | 'finish';
  doneBytes: number;
  totalBytes: number;
}
