// Names this platform the way the native binaries are named:
// linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, darwin-arm64, win32-x64-msvc…
import { readFileSync } from 'node:fs';

/**
 * glibc or musl. The C library this process has mapped says it directly and
 * costs a fraction of a millisecond; Node's diagnostic report (the fallback) is
 * right too but takes 10-20 ms, and Logto loads connectors on start-up.
 */
const linuxLibc = () => {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    if (/ld-musl-|libc\.musl-/.test(maps)) return 'musl';
    if (/libc\.so\.6|ld-linux/.test(maps)) return 'gnu';
  } catch {
    // No /proc: ask Node below.
  }
  const report = process.report?.getReport?.();
  if (report?.header?.glibcVersionRuntime) return 'gnu';
  const objects = report?.sharedObjects ?? [];
  return objects.some((file) => /libc\.musl-|ld-musl-/.test(file)) ? 'musl' : 'gnu';
};

export const platformTag = () => {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${linuxLibc()}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
};
